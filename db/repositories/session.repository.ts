import 'server-only';
import type { Db } from '../client';
import type { SessionRow } from '../schema';

export async function insertSession(
  db: Db,
  row: { user_id: string; client_key: Uint8Array; user_agent: string | null; ip: string | null; expires_at: Date; second_factor_pending?: boolean },
): Promise<SessionRow> {
  return db.insertInto('sessions').values(row).returningAll().executeTakeFirstOrThrow();
}

/** The session, if it exists, is not revoked and has not expired at `now`. */
export async function findActiveSession(db: Db, id: string, now: Date): Promise<SessionRow | undefined> {
  return db.selectFrom('sessions').selectAll().where('id', '=', id).where('revoked_at', 'is', null).where('expires_at', '>', now).executeTakeFirst();
}

/** A live session with the few fields of its user that every request needs, in one query. */
export async function findSignedInSession(db: Db, id: string, now: Date) {
  return db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.second_factor_pending',
      'sessions.client_key',
      'sessions.last_seen_at',
      'users.id',
      'users.username',
      'users.is_admin',
      'users.created_at',
      'users.disabled_at',
    ])
    .where('sessions.id', '=', id)
    .where('sessions.revoked_at', 'is', null)
    .where('sessions.expires_at', '>', now)
    .executeTakeFirst();
}

export async function touchSession(db: Db, id: string, now: Date): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
}

export async function listActiveSessions(db: Db, userId: string, now: Date): Promise<SessionRow[]> {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('last_seen_at', 'desc')
    .execute();
}

/** Revoking wipes the client key too, so the browser's sessionStorage copy can't be unwrapped. */
export async function revokeSession(db: Db, id: string, userId: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('sessions')
    .set({ revoked_at: now, client_key: new Uint8Array(0) })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function revokeAllSessions(db: Db, userId: string, now: Date): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: now, client_key: new Uint8Array(0) })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
}
