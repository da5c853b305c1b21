import 'server-only';
import { randomUUID } from 'node:crypto';
import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../client';
import type { OutboundMessageRow, OutboundRecipientRow, OutboundStatus, RecipientStatus } from '../schema';
import { type QuotaRow, type SendWindows, type SendingUsage, quotaCtes, usageOf } from './send-limit.repository';
import { WORKER_SESSION_PREFIX } from './worker-presence.repository';

// Db is Kysely<Database>; a Transaction<Database> is one too, so every function here runs in either.
type Executor = Db;

/** Worker ids whose database session is still open (see worker-presence.repository.ts). */
const liveWorkers = sql`(SELECT application_name FROM pg_stat_activity WHERE application_name LIKE ${`${WORKER_SESSION_PREFIX}%`})`;

export interface NewOutbound {
  /** Chosen by the caller: its job names the message before the row exists. */
  id: string;
  user_id: string;
  envelope_from: string;
  sealed_mime: Uint8Array;
  size: number;
  send_at: Date;
  created_at: Date;
  recipients: { address: string; domain: string }[];
  expires_at: Date;
}

/** Recipient rows that came back as JSON from a statement that returned the message row too. */
function recipientsFromJson(rows: Record<string, unknown>[] | null): OutboundRecipientRow[] {
  const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));
  return (rows ?? [])
    .map((r) => ({
      ...(r as unknown as OutboundRecipientRow),
      next_attempt_at: date(r.next_attempt_at),
      expires_at: date(r.expires_at)!,
      updated_at: date(r.updated_at),
    }))
    .sort((a, b) => a.address.localeCompare(b.address));
}

/**
 * The message and its recipients, inserted only if the recipients fit both of the sender's limits,
 * and the usage that decided it: one statement for the check and the insert (this runs for every
 * send). Run it after lockSenderLimits, in the same transaction: this statement's snapshot then
 * includes every send that took the lock before it. The rows are built here rather than sent back.
 */
export async function insertOutboundWithinLimits(
  db: Executor,
  row: NewOutbound,
  windows: SendWindows,
): Promise<{ inserted?: { message: OutboundMessageRow; recipients: OutboundRecipientRow[] }; usage: SendingUsage }> {
  const count = row.recipients.length;
  const recipients: OutboundRecipientRow[] = row.recipients
    .map((r) => ({
      id: randomUUID(),
      outbound_id: row.id,
      address: r.address,
      domain: r.domain,
      status: 'queued' as const,
      attempts: 0,
      last_reply: null,
      next_attempt_at: row.send_at,
      expires_at: row.expires_at,
      updated_at: null,
    }))
    .sort((a, b) => a.address.localeCompare(b.address));
  const { rows } = await sql<QuotaRow>`
    WITH ${quotaCtes(row.user_id, count, windows)},
    m AS (
      INSERT INTO outbound_messages (id, user_id, envelope_from, status, sealed_mime, size, recipient_count, send_at, next_attempt_at, created_at)
      SELECT ${row.id}::uuid, ${row.user_id}, ${row.envelope_from}, 'scheduled', ${row.sealed_mime}, ${row.size}, ${count}, ${row.send_at}, ${row.send_at}, ${row.created_at}
        FROM quota WHERE quota.fits
      RETURNING id),
    r AS (
      INSERT INTO outbound_recipients (id, outbound_id, address, domain, next_attempt_at, expires_at)
      SELECT x.id, m.id, x.address, x.domain, ${row.send_at}::timestamptz, ${row.expires_at}::timestamptz
        FROM m, unnest(${recipients.map((r) => r.id)}::uuid[], ${recipients.map((r) => r.address)}::text[], ${recipients.map((r) => r.domain)}::text[]) AS x(id, address, domain))
    SELECT hour AS used_hour, day AS used_day, per_hour, per_day, fits FROM quota`.execute(db);
  const usage = usageOf(rows[0]!);
  if (!rows[0]!.fits) return { usage };
  const message: OutboundMessageRow = {
    id: row.id,
    user_id: row.user_id,
    envelope_from: row.envelope_from,
    status: 'scheduled',
    sealed_mime: row.sealed_mime,
    size: row.size,
    recipient_count: count,
    send_at: row.send_at,
    next_attempt_at: row.send_at,
    attempts: 0,
    claimed_by: null,
    created_at: row.created_at,
    finished_at: null,
    purge_after: null,
  };
  return { usage, inserted: { message, recipients } };
}

export async function findOutbound(db: Executor, id: string): Promise<OutboundMessageRow | undefined> {
  return db.selectFrom('outbound_messages').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Status and due time of several messages (not their sealed copies). */
export async function findOutboundStates(db: Executor, ids: string[]): Promise<Pick<OutboundMessageRow, 'id' | 'status' | 'next_attempt_at'>[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('outbound_messages').select(['id', 'status', 'next_attempt_at']).where('id', 'in', ids).execute();
}

export async function listRecipients(db: Executor, outboundIds: string[]): Promise<OutboundRecipientRow[]> {
  if (outboundIds.length === 0) return [];
  return db.selectFrom('outbound_recipients').selectAll().where('outbound_id', 'in', outboundIds).orderBy('address').execute();
}

export async function listOutboundOfUser(db: Executor, userId: string, limit: number, before?: Date): Promise<OutboundMessageRow[]> {
  let query = db.selectFrom('outbound_messages').selectAll().where('user_id', '=', userId);
  if (before) query = query.where('created_at', '<', before);
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

export interface ClaimedOutbound {
  message: OutboundMessageRow;
  recipients: OutboundRecipientRow[];
}

/**
 * Takes messages for one delivery attempt each: due and waiting, or left 'sending' by this worker
 * (an attempt that threw; the caller knows it isn't still running) or by one whose session is gone
 * (it died mid-attempt). Two workers can't both take one: the row locks order them (taken in id
 * order, so two overlapping batches can't deadlock) and the second no longer matches. In the same
 * statement, the recipients due now are marked 'sending' (before any SMTP transaction starts); a
 * recipient already 'sending' was in flight when its worker died. Returns each message taken, by
 * id, with all its recipients; ids not in the map were not taken.
 */
export async function claimOutboundBatch(db: Executor, ids: string[], now: Date, workerId: string): Promise<Map<string, ClaimedOutbound>> {
  const claimed = new Map<string, ClaimedOutbound>();
  if (ids.length === 0) return claimed;
  // The common case first: planning the pg_stat_activity view costs more than the whole claim.
  const waiting = sql`(status IN ('scheduled', 'queued') AND next_attempt_at <= ${now}) OR (status = 'sending' AND claimed_by = ${workerId})`;
  for (const row of await claimWhere(db, ids, now, workerId, waiting)) claimed.set(row.message.id, row);
  const rest = ids.filter((id) => !claimed.has(id));
  if (rest.length === 0) return claimed;
  const abandoned = sql`status = 'sending' AND (claimed_by IS NULL OR claimed_by NOT IN ${liveWorkers})`;
  for (const row of await claimWhere(db, rest, now, workerId, abandoned)) claimed.set(row.message.id, row);
  return claimed;
}

/** One message: see claimOutboundBatch. */
export async function claimOutbound(db: Executor, id: string, now: Date, workerId: string): Promise<ClaimedOutbound | undefined> {
  return (await claimOutboundBatch(db, [id], now, workerId)).get(id);
}

async function claimWhere(db: Executor, ids: string[], now: Date, workerId: string, condition: RawBuilder<unknown>): Promise<ClaimedOutbound[]> {
  const { rows } = await sql<OutboundMessageRow & { recipients: Record<string, unknown>[] | null }>`
    WITH target AS (
      SELECT id FROM outbound_messages WHERE id = ANY(${ids}::uuid[]) AND (${condition}) ORDER BY id FOR UPDATE),
    claimed AS (
      UPDATE outbound_messages m
         SET status = 'sending', attempts = m.attempts + 1, claimed_by = ${workerId}
        FROM target
       WHERE m.id = target.id
      RETURNING m.*),
    marked AS (
      UPDATE outbound_recipients r
         SET status = CASE WHEN r.status = 'sending' OR (r.status IN ('queued', 'deferred') AND r.next_attempt_at <= ${now}) THEN 'sending' ELSE r.status END,
             updated_at = ${now}
        FROM claimed
       WHERE r.outbound_id = claimed.id
      RETURNING r.*),
    grouped AS (SELECT outbound_id, json_agg(marked) AS recipients FROM marked GROUP BY outbound_id)
    SELECT claimed.*, grouped.recipients FROM claimed LEFT JOIN grouped ON grouped.outbound_id = claimed.id`.execute(db);
  return rows.map(({ recipients, ...message }) => ({ message, recipients: recipientsFromJson(recipients) }));
}

export interface RecipientOutcome {
  id: string;
  status: Extract<RecipientStatus, 'delivered' | 'deferred' | 'failed'>;
  reply: string;
  nextAttemptAt: Date | null;
}

export interface AttemptConclusion {
  status: OutboundStatus;
  next_attempt_at: Date | null;
  finished_at: Date | null;
  purge_after: Date | null;
  dropSealed: boolean;
}

/** Records the last outcomes of an attempt and the message's new status, in one statement. */
export async function finishAttempt(db: Executor, id: string, conclusion: AttemptConclusion, outcomes: RecipientOutcome[], now: Date): Promise<void> {
  await commitOutcomes(db, outcomes, [{ id, conclusion }], now);
}

export interface AttemptFinish {
  id: string;
  conclusion: AttemptConclusion;
}

/**
 * Recipient outcomes and finished attempts of any number of messages, in one statement: a
 * worker commits whatever its attempts produced since its last commit together (see
 * server/outbound/outcome-writer.ts). A finished message is released (claimed_by NULL).
 */
export async function commitOutcomes(db: Executor, outcomes: RecipientOutcome[], finishes: AttemptFinish[], now: Date): Promise<void> {
  if (outcomes.length === 0 && finishes.length === 0) return;
  const c = finishes.map((f) => f.conclusion);
  await sql`
    WITH recorded AS (
      UPDATE outbound_recipients AS r
         SET status = v.status, last_reply = v.reply, next_attempt_at = v.next, attempts = r.attempts + 1, updated_at = ${now}
        FROM unnest(${outcomes.map((o) => o.id)}::uuid[], ${outcomes.map((o) => o.status)}::text[], ${outcomes.map((o) => o.reply)}::text[],
                    ${outcomes.map((o) => o.nextAttemptAt)}::timestamptz[]) AS v(id, status, reply, next)
       WHERE r.id = v.id
      RETURNING 1),
    finished AS (
      UPDATE outbound_messages AS m
         SET status = v.status, next_attempt_at = v.next, finished_at = v.finished, purge_after = v.purge, claimed_by = NULL,
             sealed_mime = CASE WHEN v.drop THEN NULL ELSE m.sealed_mime END
        FROM unnest(${finishes.map((f) => f.id)}::uuid[], ${c.map((x) => x.status)}::text[], ${c.map((x) => x.next_attempt_at)}::timestamptz[],
                    ${c.map((x) => x.finished_at)}::timestamptz[], ${c.map((x) => x.purge_after)}::timestamptz[], ${c.map((x) => x.dropSealed)}::bool[])
             AS v(id, status, next, finished, purge, drop)
       WHERE m.id = v.id
      RETURNING 1)
    SELECT (SELECT count(*) FROM recorded) AS recorded, (SELECT count(*) FROM finished) AS finished`.execute(db);
}

/** Undo send / cancel a scheduled send: only while no attempt has started. */
export async function cancelScheduled(db: Executor, userId: string, id: string, now: Date): Promise<OutboundMessageRow | undefined> {
  return db.transaction().execute((trx) => cancelScheduledIn(trx, userId, id, now));
}

/** cancelScheduled inside the caller's transaction (a scheduled send cancels its outbound parts with it). */
export async function cancelScheduledIn(trx: Executor, userId: string, id: string, now: Date): Promise<OutboundMessageRow | undefined> {
  const row = await trx
    .updateTable('outbound_messages')
    .set({ status: 'cancelled', sealed_mime: null, next_attempt_at: null, finished_at: now })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('status', '=', 'scheduled')
    .returningAll()
    .executeTakeFirst();
  if (row)
    await trx.updateTable('outbound_recipients').set({ status: 'cancelled', next_attempt_at: null, updated_at: now }).where('outbound_id', '=', id).execute();
  return row;
}

/**
 * Messages whose job may have been lost: due for longer than `graceMs` and not taken, or left
 * 'sending' by a worker whose database session is gone.
 */
export async function findStrandedOutbound(db: Executor, now: Date, graceMs: number, limit: number): Promise<{ id: string }[]> {
  const dueBefore = new Date(now.getTime() - graceMs);
  const { rows } = await sql<{ id: string }>`
    (SELECT id FROM outbound_messages
      WHERE status IN ('scheduled', 'queued') AND next_attempt_at <= ${dueBefore}
      ORDER BY next_attempt_at LIMIT ${limit})
    UNION ALL
    (SELECT id FROM outbound_messages
      WHERE status = 'sending' AND (claimed_by IS NULL OR claimed_by NOT IN ${liveWorkers})
      LIMIT ${limit})`.execute(db);
  return rows;
}

/** Forgets sealed copies whose retention ended; returns how many. */
export async function purgeSealedCopies(db: Executor, now: Date): Promise<number> {
  const result = await db
    .updateTable('outbound_messages')
    .set({ sealed_mime: null })
    .where('sealed_mime', 'is not', null)
    .where('purge_after', '<=', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Deletes the envelopes (addresses, status, replies) of messages whose delivery is over and whose
 * sealed copy is gone: those with a dead letter once `bouncedBefore`, the rest once `finishedBefore`.
 * Their dead letters go with them. Returns how many messages.
 */
export async function purgeFinishedOutbound(db: Executor, finishedBefore: Date, bouncedBefore: Date): Promise<number> {
  const { rows } = await sql<{ count: string }>`
    WITH gone AS (
      DELETE FROM outbound_messages m
       WHERE m.status IN ('delivered', 'partially-failed', 'bounced', 'cancelled') AND m.sealed_mime IS NULL
         AND m.finished_at < CASE WHEN EXISTS (SELECT 1 FROM dead_letters d WHERE d.outbound_id = m.id) THEN ${bouncedBefore}::timestamptz ELSE ${finishedBefore}::timestamptz END
      RETURNING 1)
    SELECT count(*) AS count FROM gone`.execute(db);
  return Number(rows[0]!.count);
}

/**
 * A failed recipient goes back in the queue (an admin retried its dead letter). False, changing
 * nothing, while a worker holds the message: it decides the final status from what it loaded.
 */
export async function requeueRecipient(db: Executor, recipientId: string, outboundId: string, now: Date, expiresAt: Date): Promise<boolean> {
  const message = await db
    .updateTable('outbound_messages')
    .set({ status: 'queued', next_attempt_at: now, finished_at: null, purge_after: null })
    .where('id', '=', outboundId)
    .where('status', 'in', ['delivered', 'partially-failed', 'bounced', 'queued'])
    .executeTakeFirst();
  if (Number(message.numUpdatedRows) !== 1) return false;
  await db
    .updateTable('outbound_recipients')
    .set({ status: 'queued', attempts: 0, next_attempt_at: now, expires_at: expiresAt, updated_at: now })
    .where('id', '=', recipientId)
    .execute();
  return true;
}
