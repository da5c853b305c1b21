import 'server-only';
import { sql } from 'kysely';
import type { Db } from '../client';
import type { NewScheduledInternalCopyRow, ScheduledInternalSendRow, ScheduledInternalStatus } from '../schema';

// Db is Kysely<Database>; a Transaction<Database> is one too, so every function here runs in either.
type Executor = Db;

export interface NewScheduledInternal {
  user_id: string;
  from_address: string;
  send_at: Date;
  created_at: Date;
  copies: Omit<NewScheduledInternalCopyRow, 'send_id'>[];
  sent?: { raw_ciphertext: Uint8Array; summary_ciphertext: Uint8Array; size: number };
  draft_id?: string;
  outbound_ids?: string[];
}

/** A scheduled send and the addresses of the copies it still holds (none once it is finished). */
/** A pending send as its sender's list shows it; `sent_summary_ciphertext` is encrypted to the sender, who reads its subject. */
export type ScheduledInternalWithAddresses = ScheduledInternalSendListed & { addresses: string[]; sent_summary_ciphertext: Uint8Array | null };

/** A send as lists show it: without the Sent copy's ciphertext, which only filing reads. */
export type ScheduledInternalSendListed = Omit<ScheduledInternalSendRow, 'sent_raw_ciphertext' | 'sent_summary_ciphertext' | 'sent_size' | 'draft_id'>;
const LISTED_COLUMNS = ['s.id', 's.user_id', 's.from_address', 's.status', 's.send_at', 's.created_at', 's.finished_at', 's.outbound_ids'] as const;

/** Inserts a send and its copies; run it in the transaction that queues the send's job. */
export async function insertScheduledInternal(db: Executor, row: NewScheduledInternal): Promise<ScheduledInternalSendRow> {
  const { copies, sent, outbound_ids, ...send } = row;
  const inserted = await db
    .insertInto('scheduled_internal_sends')
    .values({
      ...send,
      status: 'scheduled',
      sent_raw_ciphertext: sent?.raw_ciphertext ?? null,
      sent_summary_ciphertext: sent?.summary_ciphertext ?? null,
      sent_size: sent?.size ?? null,
      outbound_ids: JSON.stringify(outbound_ids ?? []),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  if (copies.length)
    await db
      .insertInto('scheduled_internal_copies')
      .values(copies.map((c) => ({ ...c, send_id: inserted.id })))
      .execute();
  return inserted;
}

/** The user's sends still waiting, soonest first, with their recipients' addresses. */
export async function listPendingOfUser(db: Executor, userId: string, limit: number): Promise<ScheduledInternalWithAddresses[]> {
  const rows = await db
    .selectFrom('scheduled_internal_sends as s')
    .select(LISTED_COLUMNS)
    .select('s.sent_summary_ciphertext')
    .select(
      sql<string[]>`coalesce((SELECT array_agg(c.address ORDER BY c.address) FROM scheduled_internal_copies c WHERE c.send_id = s.id), '{}')`.as('addresses'),
    )
    .where('s.user_id', '=', userId)
    .where('s.status', '=', 'scheduled')
    .orderBy('s.send_at')
    .orderBy('s.id')
    .limit(limit)
    .execute();
  return rows;
}

export async function findScheduledInternal(db: Executor, id: string): Promise<ScheduledInternalSendRow | undefined> {
  return db.selectFrom('scheduled_internal_sends').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * The send, locked until the caller's transaction ends: filing and cancelling both take this lock,
 * so exactly one of them changes a 'scheduled' send, and the other sees what it became.
 */
export async function lockScheduledInternal(trx: Executor, id: string): Promise<ScheduledInternalSendRow | undefined> {
  return trx.selectFrom('scheduled_internal_sends').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** Deletes the send's copies and returns them: the rows and their ciphertexts are gone once the transaction commits. */
export async function takeCopies(trx: Executor, sendId: string) {
  return trx
    .deleteFrom('scheduled_internal_copies')
    .where('send_id', '=', sendId)
    .returning(['user_id', 'address', 'size', 'raw_ciphertext', 'summary_ciphertext', 'origin_ciphertext'])
    .execute();
}

/** Deletes the send's copies unread; returns their addresses. */
export async function dropCopies(trx: Executor, sendId: string): Promise<string[]> {
  const rows = await trx.deleteFrom('scheduled_internal_copies').where('send_id', '=', sendId).returning('address').execute();
  return rows.map((r) => r.address).sort();
}

/** Ends a send that is still 'scheduled', dropping its Sent copy; false (changing nothing) if it was already finished. */
export async function finishScheduledInternal(trx: Executor, id: string, status: Exclude<ScheduledInternalStatus, 'scheduled'>, now: Date): Promise<boolean> {
  const result = await trx
    .updateTable('scheduled_internal_sends')
    .set({ status, finished_at: now, sent_raw_ciphertext: null, sent_summary_ciphertext: null, sent_size: null, draft_id: null })
    .where('id', '=', id)
    .where('status', '=', 'scheduled')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Sends that were due before `dueBefore` and are still waiting: their job was lost, or a worker died with it. */
export async function findDueScheduledInternal(db: Executor, dueBefore: Date, limit: number): Promise<{ id: string }[]> {
  return db
    .selectFrom('scheduled_internal_sends')
    .select('id')
    .where('status', '=', 'scheduled')
    .where('send_at', '<=', dueBefore)
    .orderBy('send_at')
    .limit(limit)
    .execute();
}

/** Drops the tombstones of sends that finished before `before`; returns how many. */
export async function purgeFinishedScheduledInternal(db: Executor, before: Date): Promise<number> {
  const result = await db.deleteFrom('scheduled_internal_sends').where('finished_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
