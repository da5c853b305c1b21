import 'server-only';
import { sql } from 'kysely';
import type { Db } from '../client';

// Db is Kysely<Database>; a Transaction<Database> is one too, so every function here runs in either.
type Executor = Db;

export async function findSendLimits(db: Executor, userId: string): Promise<{ per_hour: number | null; per_day: number | null } | undefined> {
  return db.selectFrom('send_limits').select(['per_hour', 'per_day']).where('user_id', '=', userId).executeTakeFirst();
}

/** Sets (or, with both null, clears) a user's overrides. */
export async function upsertSendLimits(db: Executor, userId: string, limits: { per_hour: number | null; per_day: number | null }, now: Date): Promise<void> {
  if (limits.per_hour === null && limits.per_day === null) {
    await db.deleteFrom('send_limits').where('user_id', '=', userId).execute();
    return;
  }
  await db
    .insertInto('send_limits')
    .values({ user_id: userId, ...limits, updated_at: now })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ ...limits, updated_at: now }))
    .execute();
}

export interface SendWindows {
  hourStart: Date;
  dayStart: Date;
  /** The server's limits, for a user without overrides. */
  defaultPerHour: number;
  defaultPerDay: number;
}

export interface SendingUsage {
  /** Recipients sent to since hourStart and since dayStart (cancelled sends never went). */
  hour: number;
  day: number;
  /** The user's overrides; null = the server's limit. */
  perHour: number | null;
  perDay: number | null;
}

/**
 * Every send that counts against a user's limits since `since`: outbound messages (a cancelled one
 * never went) and sends to people on this instance.
 */
const countedSends = (userId: string, since: Date) => sql`
  SELECT created_at, recipient_count FROM outbound_messages WHERE user_id = ${userId} AND created_at > ${since} AND status <> 'cancelled'
  UNION ALL
  SELECT created_at, recipient_count FROM internal_sends WHERE user_id = ${userId} AND created_at > ${since}`;

/** CTEs `used` and `quota`: the user's usage in both windows, their limits, and whether `count` more fit. */
export const quotaCtes = (userId: string, count: number, windows: SendWindows) => sql`
    used AS (
      SELECT coalesce(sum(recipient_count) FILTER (WHERE created_at > ${windows.hourStart}), 0) AS hour, coalesce(sum(recipient_count), 0) AS day
        FROM (${countedSends(userId, windows.dayStart)}) AS sends),
    quota AS (
      SELECT used.hour, used.day, l.per_hour, l.per_day,
             used.hour + ${count}::int <= coalesce(l.per_hour, ${windows.defaultPerHour}::int) AND used.day + ${count}::int <= coalesce(l.per_day, ${windows.defaultPerDay}::int) AS fits
        FROM used LEFT JOIN send_limits l ON l.user_id = ${userId})`;

export type QuotaRow = { used_hour: string; used_day: string; per_hour: number | null; per_day: number | null; fits: boolean };

export const usageOf = (q: QuotaRow): SendingUsage => ({ hour: Number(q.used_hour), day: Number(q.used_day), perHour: q.per_hour, perDay: q.per_day });

/**
 * Counts a send to people on this instance against the sender's limits, if it fits: the check and
 * the insert in one statement, after lockSenderLimits in the same transaction.
 */
export async function insertInternalSendWithinLimits(
  db: Executor,
  row: { user_id: string; recipient_count: number; created_at: Date; scheduled_id?: string },
  windows: SendWindows,
): Promise<{ counted: boolean; usage: SendingUsage }> {
  const { rows } = await sql<QuotaRow>`
    WITH ${quotaCtes(row.user_id, row.recipient_count, windows)},
    i AS (
      INSERT INTO internal_sends (user_id, recipient_count, created_at, scheduled_id)
      SELECT ${row.user_id}, ${row.recipient_count}, ${row.created_at}, ${row.scheduled_id ?? null}::uuid FROM quota WHERE quota.fits)
    SELECT hour AS used_hour, day AS used_day, per_hour, per_day, fits FROM quota`.execute(db);
  return { counted: rows[0]!.fits, usage: usageOf(rows[0]!) };
}

/** A cancelled scheduled send to people here stops counting. */
export async function uncountScheduledInternal(db: Executor, scheduledId: string): Promise<void> {
  await db.deleteFrom('internal_sends').where('scheduled_id', '=', scheduledId).execute();
}

/** Forgets counted internal sends older than `before` (the day window is all that reads them). */
export async function purgeInternalSends(db: Executor, before: Date): Promise<number> {
  const result = await db.deleteFrom('internal_sends').where('created_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Serialises one user's sends for the rest of the transaction, so two can't both pass a limit. */
export async function lockSenderLimits(db: Executor, userId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${senderLimitKey(userId)}))`.execute(db);
}

export const senderLimitKey = (userId: string) => `send-limit:${userId}`;

/**
 * The user's limit overrides (null = default) and the recipients sent to since each of the two
 * times (cancelled sends never went), in one round trip. A send checks the same numbers inside
 * insertOutboundWithinLimits.
 */
export async function sendingUsage(db: Executor, userId: string, hourStart: Date, dayStart: Date): Promise<SendingUsage> {
  const { rows } = await sql<{ hour: string | null; day: string | null; per_hour: number | null; per_day: number | null }>`
    SELECT u.hour, u.day, l.per_hour, l.per_day
      FROM (SELECT sum(recipient_count) FILTER (WHERE created_at > ${hourStart}) AS hour, sum(recipient_count) AS day
              FROM (${countedSends(userId, dayStart)}) AS sends) AS u
      LEFT JOIN send_limits l ON l.user_id = ${userId}`.execute(db);
  const row = rows[0];
  return { hour: Number(row?.hour ?? 0), day: Number(row?.day ?? 0), perHour: row?.per_hour ?? null, perDay: row?.per_day ?? null };
}

/** What counts against the limits: sends since `since`, oldest first. Cancelled ones never went. */
export async function recentSends(db: Executor, userId: string, since: Date): Promise<{ created_at: Date; recipient_count: number }[]> {
  const { rows } = await sql<{ created_at: Date; recipient_count: number }>`
    SELECT created_at, recipient_count FROM (${countedSends(userId, since)}) AS sends ORDER BY created_at`.execute(db);
  return rows;
}
