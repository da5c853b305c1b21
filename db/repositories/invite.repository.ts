import 'server-only';
import type { Db } from '../client';

type Executor = Db;

export async function insertInvite(
  db: Executor,
  row: { token_hash: string; created_by: string | null; expires_at: Date },
): Promise<{ id: string; created_at: Date }> {
  return db.insertInto('invites').values(row).returning(['id', 'created_at']).executeTakeFirstOrThrow();
}

/** The invite a token names, if it is unused and unexpired at `now`. */
export async function findUsableInvite(db: Executor, tokenHash: string, now: Date): Promise<{ id: string } | undefined> {
  return db
    .selectFrom('invites')
    .select('id')
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

/** Uses the invite up, if nobody did first: false when it was already used or has expired. */
export async function markInviteUsed(db: Executor, id: string, userId: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('invites')
    .set({ used_at: now, used_by: userId })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function listInvites(db: Executor, limit: number) {
  return db
    .selectFrom('invites')
    .leftJoin('users as creator', 'creator.id', 'invites.created_by')
    .leftJoin('users as used', 'used.id', 'invites.used_by')
    .select([
      'invites.id',
      'invites.created_at',
      'invites.expires_at',
      'invites.used_at',
      'creator.username as created_by_username',
      'used.username as used_by_username',
    ])
    .orderBy('invites.created_at', 'desc')
    .limit(limit)
    .execute();
}

export async function revokeInvite(db: Executor, id: string, now: Date): Promise<boolean> {
  const result = await db.updateTable('invites').set({ expires_at: now }).where('id', '=', id).where('used_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
