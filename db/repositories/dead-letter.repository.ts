import 'server-only';
import { sql } from 'kysely';
import type { Db } from '../client';
import type { DeadLetterRow } from '../schema';

// Db is Kysely<Database>; a Transaction<Database> is one too, so every function here runs in either.
type Executor = Db;

export type NewDeadLetter = Pick<DeadLetterRow, 'outbound_id' | 'recipient_id' | 'recipient' | 'status_code' | 'reason' | 'last_reply' | 'created_at'>;

export async function insertDeadLetters(db: Executor, rows: NewDeadLetter[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('dead_letters')
    .values(rows.map((r) => ({ ...r, retried_at: null })))
    .execute();
}

export type DeadLetterListRow = DeadLetterRow & { user_id: string; username: string; envelope_from: string; retryable: boolean };

/** Newest first, with the sender and whether the sealed copy still exists to retry from. */
export async function listDeadLetters(
  db: Executor,
  opts: { limit: number; before?: { createdAt: Date; id: string }; openOnly: boolean },
): Promise<DeadLetterListRow[]> {
  let query = db
    .selectFrom('dead_letters as d')
    .innerJoin('outbound_messages as o', 'o.id', 'd.outbound_id')
    .innerJoin('users as u', 'u.id', 'o.user_id')
    .selectAll('d')
    .select(['o.user_id', 'u.username', 'o.envelope_from', sql<boolean>`o.sealed_mime IS NOT NULL`.as('retryable')]);
  if (opts.openOnly) query = query.where('d.retried_at', 'is', null);
  const before = opts.before;
  if (before) {
    query = query.where((eb) =>
      eb.or([eb('d.created_at', '<', before.createdAt), eb.and([eb('d.created_at', '=', before.createdAt), eb('d.id', '<', before.id)])]),
    );
  }
  return query.orderBy('d.created_at', 'desc').orderBy('d.id', 'desc').limit(opts.limit).execute();
}

export async function findDeadLetter(db: Executor, id: string): Promise<DeadLetterRow | undefined> {
  return db.selectFrom('dead_letters').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Marks a dead letter retried; false when it already was (two admins clicking at once). */
export async function markDeadLetterRetried(db: Executor, id: string, now: Date): Promise<boolean> {
  const result = await db.updateTable('dead_letters').set({ retried_at: now }).where('id', '=', id).where('retried_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Whether any dead letter of the message still waits for an admin: its sealed copy is kept for them. */
export async function hasOpenDeadLetters(db: Executor, outboundId: string): Promise<boolean> {
  const row = await db.selectFrom('dead_letters').select('id').where('outbound_id', '=', outboundId).where('retried_at', 'is', null).executeTakeFirst();
  return row !== undefined;
}
