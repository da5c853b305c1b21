import 'server-only';
import { sql } from 'kysely';
import type { Db } from '../client';

type Executor = Db;

/** A recipient still waiting to go out, with its message and sender: the admin's queue view. */
export interface PendingRecipientRow {
  recipient_id: string;
  outbound_id: string;
  username: string;
  envelope_from: string;
  address: string;
  status: 'queued' | 'sending' | 'deferred';
  attempts: number;
  last_reply: string | null;
  next_attempt_at: Date | null;
  expires_at: Date;
  created_at: Date;
  message_status: string;
}

export async function listPendingRecipients(db: Executor, opts: { status?: 'queued' | 'deferred'; limit: number }): Promise<PendingRecipientRow[]> {
  const statuses = opts.status === 'deferred' ? ['deferred'] : opts.status === 'queued' ? ['queued', 'sending'] : ['queued', 'sending', 'deferred'];
  const { rows } = await sql<PendingRecipientRow>`
    SELECT r.id AS recipient_id, r.outbound_id, u.username, o.envelope_from, r.address, r.status, r.attempts,
           r.last_reply, coalesce(r.next_attempt_at, o.next_attempt_at) AS next_attempt_at, r.expires_at,
           o.created_at, o.status AS message_status
      FROM outbound_recipients r
      JOIN outbound_messages o ON o.id = r.outbound_id
      JOIN users u ON u.id = o.user_id
     WHERE r.status = ANY(${statuses}::text[]) AND o.status IN ('scheduled', 'queued', 'sending')
     ORDER BY coalesce(r.next_attempt_at, o.next_attempt_at) NULLS FIRST, r.id
     LIMIT ${opts.limit}`.execute(db);
  return rows;
}

/** Recipients waiting (queued or sending, and deferred), and open dead letters. */
export async function queueDepth(db: Executor): Promise<{ queued: number; deferred: number; deadLetters: number }> {
  const { rows } = await sql<{ queued: string; deferred: string; dead: string }>`
    SELECT (SELECT count(*) FROM outbound_recipients WHERE status IN ('queued', 'sending')) AS queued,
           (SELECT count(*) FROM outbound_recipients WHERE status = 'deferred') AS deferred,
           (SELECT count(*) FROM dead_letters WHERE retried_at IS NULL) AS dead`.execute(db);
  const row = rows[0]!;
  return { queued: Number(row.queued), deferred: Number(row.deferred), deadLetters: Number(row.dead) };
}

/** A waiting message is due now: its deferred recipients are tried at the next attempt. False while a worker holds it. */
export async function makeOutboundDue(db: Executor, outboundId: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('outbound_messages')
    .set({ next_attempt_at: now })
    .where('id', '=', outboundId)
    .where('status', '=', 'queued')
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return false;
  await db
    .updateTable('outbound_recipients')
    .set({ next_attempt_at: now, updated_at: now })
    .where('outbound_id', '=', outboundId)
    .where('status', 'in', ['queued', 'deferred'])
    .execute();
  return true;
}

/** Takes a waiting message out of the queue: cancelled, its sealed copy dropped. False while a worker holds it. */
export async function cancelQueuedOutbound(db: Executor, outboundId: string, now: Date): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('outbound_messages')
      .set({ status: 'cancelled', sealed_mime: null, next_attempt_at: null, finished_at: now })
      .where('id', '=', outboundId)
      .where('status', 'in', ['scheduled', 'queued'])
      .returning('id')
      .executeTakeFirst();
    if (!row) return false;
    await trx
      .updateTable('outbound_recipients')
      .set({ status: 'cancelled', next_attempt_at: null, updated_at: now })
      .where('outbound_id', '=', outboundId)
      .where('status', 'in', ['queued', 'deferred'])
      .execute();
    return true;
  });
}

/** An admin dismisses a dead letter: the row goes (the audit log keeps that it happened). */
export async function deleteDeadLetter(db: Executor, id: string): Promise<{ outbound_id: string } | undefined> {
  return db.deleteFrom('dead_letters').where('id', '=', id).returning('outbound_id').executeTakeFirst();
}
