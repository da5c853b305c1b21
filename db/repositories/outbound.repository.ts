import { CompiledQuery, type RawBuilder, sql } from 'kysely';
import type { Db } from '../client';
import type { OutboundMessageRow, OutboundRecipientRow, OutboundStatus, RecipientStatus } from '../schema';
import { WORKER_SESSION_PREFIX } from './worker-presence.repository';

// Db is Kysely<Database>; a Transaction<Database> is one too, so every function here runs in either.
type Executor = Db;

/** Worker ids whose database session is still open (see worker-presence.repository.ts). */
const liveWorkers = sql`(SELECT application_name FROM pg_stat_activity WHERE application_name LIKE ${`${WORKER_SESSION_PREFIX}%`})`;

/** pg-boss's `db` option: lets a job be inserted inside one of our transactions. */
export interface SqlExecutor {
  executeSql(text: string, values: unknown[]): Promise<{ rows: unknown[] }>;
}

export function sqlExecutor(db: Executor): SqlExecutor {
  return {
    async executeSql(text, values) {
      const result = await db.executeQuery(CompiledQuery.raw(text, values));
      return { rows: result.rows as unknown[] };
    },
  };
}

export interface NewOutbound {
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

/** The message and its recipients in one statement (this runs for every send). */
export async function insertOutbound(db: Executor, row: NewOutbound): Promise<{ message: OutboundMessageRow; recipients: OutboundRecipientRow[] }> {
  const { rows } = await sql<Omit<OutboundMessageRow, 'sealed_mime'> & { recipients: Record<string, unknown>[] }>`
    WITH m AS (
      INSERT INTO outbound_messages (user_id, envelope_from, status, sealed_mime, size, recipient_count, send_at, next_attempt_at, created_at)
      VALUES (${row.user_id}, ${row.envelope_from}, 'scheduled', ${row.sealed_mime}, ${row.size}, ${row.recipients.length}, ${row.send_at}, ${row.send_at}, ${row.created_at})
      RETURNING *),
    r AS (
      INSERT INTO outbound_recipients (outbound_id, address, domain, next_attempt_at, expires_at)
      SELECT m.id, x.address, x.domain, m.send_at, ${row.expires_at}::timestamptz
        FROM m, unnest(${row.recipients.map((x) => x.address)}::text[], ${row.recipients.map((x) => x.domain)}::text[]) AS x(address, domain)
      RETURNING *)
    SELECT m.id, m.user_id, m.envelope_from, m.status, m.size, m.recipient_count, m.send_at, m.next_attempt_at, m.attempts,
           m.claimed_by, m.created_at, m.finished_at, m.purge_after, (SELECT json_agg(r) FROM r) AS recipients
      FROM m`.execute(db);
  const { recipients, ...message } = rows[0]!;
  // The sealed copy is the caller's own input; not sent back over the wire.
  return { message: { ...message, sealed_mime: row.sealed_mime }, recipients: recipientsFromJson(recipients) };
}

/** Serialises one user's sends for the rest of the transaction, so two can't both pass a limit. */
export async function lockSenderLimits(db: Executor, userId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`send-limit:${userId}`}))`.execute(db);
}

/**
 * The user's limit overrides (null = default) and the recipients sent to since each of the two
 * times (cancelled sends never went), in one round trip: this runs for every send.
 */
export async function sendingUsage(
  db: Executor,
  userId: string,
  hourStart: Date,
  dayStart: Date,
): Promise<{ hour: number; day: number; perHour: number | null; perDay: number | null }> {
  const { rows } = await sql<{ hour: string | null; day: string | null; per_hour: number | null; per_day: number | null }>`
    SELECT u.hour, u.day, l.per_hour, l.per_day
      FROM (SELECT sum(recipient_count) FILTER (WHERE created_at > ${hourStart}) AS hour, sum(recipient_count) AS day
              FROM outbound_messages
             WHERE user_id = ${userId} AND created_at > ${dayStart} AND status <> 'cancelled') AS u
      LEFT JOIN send_limits l ON l.user_id = ${userId}`.execute(db);
  const row = rows[0];
  return { hour: Number(row?.hour ?? 0), day: Number(row?.day ?? 0), perHour: row?.per_hour ?? null, perDay: row?.per_day ?? null };
}

/** What counts against the limits: sends since `since`, oldest first. Cancelled ones never went. */
export async function recentSends(db: Executor, userId: string, since: Date): Promise<{ created_at: Date; recipient_count: number }[]> {
  return db
    .selectFrom('outbound_messages')
    .select(['created_at', 'recipient_count'])
    .where('user_id', '=', userId)
    .where('created_at', '>', since)
    .where('status', '<>', 'cancelled')
    .orderBy('created_at', 'asc')
    .execute();
}

export async function findOutbound(db: Executor, id: string): Promise<OutboundMessageRow | undefined> {
  return db.selectFrom('outbound_messages').selectAll().where('id', '=', id).executeTakeFirst();
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

/**
 * Takes a message for one delivery attempt: due and waiting, or left 'sending' by this worker (an
 * attempt that threw; the caller knows it isn't still running) or by one whose session is gone
 * (it died mid-attempt). Two workers can't both take it: the row lock orders them and the second
 * one no longer matches. In the same statement, the recipients due now are marked 'sending'
 * (before any SMTP transaction starts); a recipient already 'sending' was in flight when its
 * worker died. Returns the message and all its recipients.
 */
export async function claimOutbound(
  db: Executor,
  id: string,
  now: Date,
  workerId: string,
): Promise<{ message: OutboundMessageRow; recipients: OutboundRecipientRow[] } | undefined> {
  // The common case first: planning the pg_stat_activity view costs more than the whole claim.
  const claimed =
    (await claimWhere(db, id, now, workerId, sql`(status IN ('scheduled', 'queued') AND next_attempt_at <= ${now}) OR (status = 'sending' AND claimed_by = ${workerId})`)) ??
    (await claimWhere(db, id, now, workerId, sql`status = 'sending' AND (claimed_by IS NULL OR claimed_by NOT IN ${liveWorkers})`));
  return claimed;
}

async function claimWhere(db: Executor, id: string, now: Date, workerId: string, condition: RawBuilder<unknown>) {
  const { rows } = await sql<OutboundMessageRow & { recipients: Record<string, unknown>[] }>`
    WITH claimed AS (
      UPDATE outbound_messages
         SET status = 'sending', attempts = attempts + 1, claimed_by = ${workerId}
       WHERE id = ${id} AND (${condition})
      RETURNING *),
    marked AS (
      UPDATE outbound_recipients r
         SET status = CASE WHEN r.status = 'sending' OR (r.status IN ('queued', 'deferred') AND r.next_attempt_at <= ${now}) THEN 'sending' ELSE r.status END,
             updated_at = ${now}
        FROM claimed
       WHERE r.outbound_id = claimed.id
      RETURNING r.*)
    SELECT claimed.*, (SELECT json_agg(marked) FROM marked) AS recipients FROM claimed`.execute(db);
  if (!rows[0]) return undefined;
  const { recipients, ...message } = rows[0];
  return { message, recipients: recipientsFromJson(recipients) };
}

export interface RecipientOutcome {
  id: string;
  status: Extract<RecipientStatus, 'delivered' | 'deferred' | 'failed'>;
  reply: string;
  nextAttemptAt: Date | null;
}

/** Records what happened to each recipient of one attempt, in one statement. */
export async function recordRecipientOutcomes(db: Executor, outcomes: RecipientOutcome[], now: Date): Promise<void> {
  if (outcomes.length === 0) return;
  const values = sql.join(outcomes.map((o) => sql`(${o.id}::uuid, ${o.status}, ${o.reply}, ${o.nextAttemptAt}::timestamptz)`));
  await sql`
    UPDATE outbound_recipients AS r
       SET status = v.status, last_reply = v.reply, next_attempt_at = v.next, attempts = r.attempts + 1, updated_at = ${now}
      FROM (VALUES ${values}) AS v(id, status, reply, next)
     WHERE r.id = v.id`.execute(db);
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
  const recorded = outcomes.length
    ? sql`WITH recorded AS (
        UPDATE outbound_recipients AS r
           SET status = v.status, last_reply = v.reply, next_attempt_at = v.next, attempts = r.attempts + 1, updated_at = ${now}
          FROM (VALUES ${sql.join(outcomes.map((o) => sql`(${o.id}::uuid, ${o.status}, ${o.reply}, ${o.nextAttemptAt}::timestamptz)`))}) AS v(id, status, reply, next)
         WHERE r.id = v.id
        RETURNING 1) `
    : sql``;
  await sql`${recorded}
    UPDATE outbound_messages
       SET status = ${conclusion.status}, next_attempt_at = ${conclusion.next_attempt_at}, finished_at = ${conclusion.finished_at},
           purge_after = ${conclusion.purge_after}, claimed_by = NULL,
           sealed_mime = CASE WHEN ${conclusion.dropSealed} THEN NULL ELSE sealed_mime END
     WHERE id = ${id}`.execute(db);
}

/** Undo send / cancel a scheduled send: only while no attempt has started. */
export async function cancelScheduled(db: Executor, userId: string, id: string, now: Date): Promise<OutboundMessageRow | undefined> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('outbound_messages')
      .set({ status: 'cancelled', sealed_mime: null, next_attempt_at: null, finished_at: now })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .where('status', '=', 'scheduled')
      .returningAll()
      .executeTakeFirst();
    if (row) await trx.updateTable('outbound_recipients').set({ status: 'cancelled', next_attempt_at: null, updated_at: now }).where('outbound_id', '=', id).execute();
    return row;
  });
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
