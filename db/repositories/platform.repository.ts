import 'server-only';
import { sql } from 'kysely';
import type { Db } from '../client';
import type { PlatformEventRow, PlatformEventType, PlatformMessageRow, PlatformMessageStatus, SuppressionRow } from '../platform-schema';
import type { NewOutbound } from './outbound.repository';

type Executor = Db;

export interface NewPlatformSend {
  outbound: NewOutbound | null;
  message: Omit<PlatformMessageRow, 'metadata'> & { metadata: Record<string, string> };
  events: { recipient: string; type: PlatformEventType; detail?: string | null }[];
}

const CHUNK = 500;
function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Platform sends in bulk, in the caller's transaction: their outbound rows (if any recipient is
 * left to deliver to), recipients, platform rows and first events. API mail counts against the key's
 * rate limit rather than the owner's personal sending limits, so its recipient_count is 0.
 */
export async function insertPlatformSends(db: Executor, sends: NewPlatformSend[]): Promise<void> {
  const outbound = sends.flatMap((s) => (s.outbound ? [s.outbound] : []));
  for (const part of chunks(outbound)) {
    await db
      .insertInto('outbound_messages')
      .values(
        part.map((o) => ({
          id: o.id,
          user_id: o.user_id,
          envelope_from: o.envelope_from,
          status: 'scheduled' as const,
          sealed_mime: o.sealed_mime,
          size: o.size,
          recipient_count: 0,
          send_at: o.send_at,
          next_attempt_at: o.send_at,
          created_at: o.created_at,
          finished_at: null,
          purge_after: null,
        })),
      )
      .execute();
  }
  const recipients = outbound.flatMap((o) =>
    o.recipients.map((r) => ({ outbound_id: o.id, address: r.address, domain: r.domain, next_attempt_at: o.send_at, expires_at: o.expires_at })),
  );
  for (const part of chunks(recipients, 2000)) await db.insertInto('outbound_recipients').values(part).execute();
  for (const part of chunks(sends)) {
    await db
      .insertInto('platform_messages')
      .values(part.map((s) => ({ ...s.message, metadata: JSON.stringify(s.message.metadata) })))
      .execute();
  }
  const events = sends.flatMap((s) =>
    s.events.map((e) => ({
      message_id: s.message.id,
      domain: s.message.domain,
      recipient: e.recipient,
      type: e.type,
      detail: e.detail ?? null,
      created_at: s.message.created_at,
    })),
  );
  for (const part of chunks(events, 2000)) await db.insertInto('platform_events').values(part).execute();
}

export async function findPlatformMessage(db: Executor, domain: string, id: string): Promise<PlatformMessageRow | undefined> {
  return db.selectFrom('platform_messages').selectAll().where('id', '=', id).where('domain', '=', domain).executeTakeFirst();
}

export async function listPlatformMessages(db: Executor, domain: string, limit: number): Promise<PlatformMessageRow[]> {
  return db.selectFrom('platform_messages').selectAll().where('domain', '=', domain).orderBy('created_at', 'desc').orderBy('id').limit(limit).execute();
}

export async function listEventsOf(db: Executor, messageIds: string[]): Promise<PlatformEventRow[]> {
  if (messageIds.length === 0) return [];
  return db.selectFrom('platform_events').selectAll().where('message_id', 'in', messageIds).orderBy('id').execute();
}

export async function setPlatformStatus(db: Executor, id: string, status: PlatformMessageStatus): Promise<void> {
  await db.updateTable('platform_messages').set({ status }).where('id', '=', id).execute();
}

export async function insertEvents(
  db: Executor,
  events: { message_id: string; domain: string; recipient: string; type: PlatformEventType; created_at: Date }[],
) {
  if (events.length) await db.insertInto('platform_events').values(events).execute();
}

/** The answer stored for an Idempotency-Key, if a request with it completed. */
export async function findIdempotent(db: Executor, keyId: string, idempotencyKey: string): Promise<{ request_hash: string; response: unknown } | undefined> {
  return db
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'response'])
    .where('key_id', '=', keyId)
    .where('idempotency_key', '=', idempotencyKey)
    .executeTakeFirst();
}

/** Takes the Idempotency-Key for this request, in the send's transaction; false if another request holds it. */
export async function claimIdempotent(
  db: Executor,
  row: { key_id: string; idempotency_key: string; request_hash: string; response: unknown; created_at: Date },
): Promise<boolean> {
  const result = await db
    .insertInto('idempotency_keys')
    .values({ ...row, response: JSON.stringify(row.response) })
    .onConflict((oc) => oc.columns(['key_id', 'idempotency_key']).doNothing())
    .returning('key_id')
    .executeTakeFirst();
  return result !== undefined;
}

/** Serialises requests with one Idempotency-Key for the rest of the transaction. */
export async function lockIdempotencyKey(db: Executor, keyId: string, idempotencyKey: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`idempotency:${keyId}:${idempotencyKey}`}))`.execute(db);
}

/** Suppressed (domain, address) pairs among many, in one query: `${domain} ${address}` strings. */
export async function findSuppressedPairs(db: Executor, pairs: { domain: string; address: string }[]): Promise<Set<string>> {
  if (pairs.length === 0) return new Set();
  const { rows } = await sql<{ domain: string; address: string }>`
    SELECT s.domain, s.address FROM suppressions s
      JOIN unnest(${pairs.map((p) => p.domain)}::text[], ${pairs.map((p) => p.address.toLowerCase())}::text[]) AS q(domain, address)
        ON s.domain = q.domain AND s.address = q.address`.execute(db);
  return new Set(rows.map((r) => `${r.domain} ${r.address}`));
}

/**
 * Takes many Idempotency-Keys at once (in the caller's transaction); returns those taken, as
 * `${key_id} ${idempotency_key}`. A key another transaction is inserting waits for it to end, so
 * exactly one request wins each key. Rows go in a fixed order, so two such statements can't deadlock.
 */
export async function claimIdempotentMany(
  db: Executor,
  rows: { key_id: string; idempotency_key: string; request_hash: string; response: unknown; created_at: Date }[],
): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const sorted = [...rows].sort((a, b) => (a.key_id === b.key_id ? (a.idempotency_key < b.idempotency_key ? -1 : 1) : a.key_id < b.key_id ? -1 : 1));
  const taken = await db
    .insertInto('idempotency_keys')
    .values(sorted.map((r) => ({ ...r, response: JSON.stringify(r.response) })))
    .onConflict((oc) => oc.columns(['key_id', 'idempotency_key']).doNothing())
    .returning(['key_id', 'idempotency_key'])
    .execute();
  return new Set(taken.map((r) => `${r.key_id} ${r.idempotency_key}`));
}

export async function findSuppressed(db: Executor, domain: string, addresses: string[]): Promise<Set<string>> {
  if (addresses.length === 0) return new Set();
  const rows = await db
    .selectFrom('suppressions')
    .select('address')
    .where('domain', '=', domain)
    .where(
      'address',
      'in',
      addresses.map((a) => a.toLowerCase()),
    )
    .execute();
  return new Set(rows.map((r) => r.address));
}

export async function listSuppressions(db: Executor, domain: string, limit: number): Promise<SuppressionRow[]> {
  return db.selectFrom('suppressions').selectAll().where('domain', '=', domain).orderBy('created_at', 'desc').limit(limit).execute();
}

export async function insertSuppression(
  db: Executor,
  row: { domain: string; address: string; reason: 'manual' | 'hard-bounce'; detail: string | null },
): Promise<SuppressionRow> {
  await db
    .insertInto('suppressions')
    .values(row)
    .onConflict((oc) => oc.columns(['domain', 'address']).doNothing())
    .execute();
  return db.selectFrom('suppressions').selectAll().where('domain', '=', row.domain).where('address', '=', row.address).executeTakeFirstOrThrow();
}

export async function deleteSuppression(db: Executor, domain: string, address: string): Promise<boolean> {
  const result = await db.deleteFrom('suppressions').where('domain', '=', domain).where('address', '=', address).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export interface DailyStatsRow {
  day: string;
  tag: string | null;
  type: PlatformEventType;
  count: string;
}

/** Event counts per day (UTC) and tag; a message without tags counts under tag NULL. */
export async function eventCounts(db: Executor, domain: string, from: Date, to: Date): Promise<DailyStatsRow[]> {
  const { rows } = await sql<DailyStatsRow>`
    SELECT to_char(date_trunc('day', e.created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day, t.tag, e.type, count(*) AS count
      FROM platform_events e
      JOIN platform_messages m ON m.id = e.message_id
      LEFT JOIN LATERAL unnest(CASE WHEN cardinality(m.tags) = 0 THEN ARRAY[NULL]::text[] ELSE m.tags END) AS t(tag) ON true
     WHERE e.domain = ${domain} AND e.created_at >= ${from} AND e.created_at < ${to}
     GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`.execute(db);
  return rows;
}

/** Event counts per day (UTC) over all messages, tagged or not. */
export async function eventTotals(db: Executor, domain: string, from: Date, to: Date): Promise<Omit<DailyStatsRow, 'tag'>[]> {
  const { rows } = await sql<Omit<DailyStatsRow, 'tag'>>`
    SELECT to_char(date_trunc('day', created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day, type, count(*) AS count
      FROM platform_events WHERE domain = ${domain} AND created_at >= ${from} AND created_at < ${to}
     GROUP BY 1, 2 ORDER BY 1, 2`.execute(db);
  return rows;
}

/** Delivery latency (acceptance to delivered event) percentiles per day, in milliseconds. */
export async function latencyPercentiles(
  db: Executor,
  domain: string,
  from: Date,
  to: Date,
): Promise<{ day: string; p50: number; p95: number; p99: number }[]> {
  const { rows } = await sql<{ day: string; p50: number; p95: number; p99: number }>`
    SELECT to_char(date_trunc('day', e.created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM e.created_at - m.created_at) * 1000) AS p50,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM e.created_at - m.created_at) * 1000) AS p95,
           percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM e.created_at - m.created_at) * 1000) AS p99
      FROM platform_events e JOIN platform_messages m ON m.id = e.message_id
     WHERE e.domain = ${domain} AND e.type = 'delivered' AND e.created_at >= ${from} AND e.created_at < ${to}
     GROUP BY 1 ORDER BY 1`.execute(db);
  return rows.map((r) => ({ day: r.day, p50: Number(r.p50), p95: Number(r.p95), p99: Number(r.p99) }));
}

/**
 * Forgets platform history past its retention: events and messages (recipient addresses) after
 * `historyBefore`, Idempotency-Keys after `idempotencyBefore`, finished webhook deliveries with their events.
 */
export async function prunePlatformHistory(db: Executor, historyBefore: Date, idempotencyBefore: Date): Promise<{ events: number; keys: number }> {
  const events = await db.deleteFrom('platform_events').where('created_at', '<', historyBefore).executeTakeFirst();
  await db.deleteFrom('platform_messages').where('created_at', '<', historyBefore).execute();
  await db.deleteFrom('webhook_deliveries').where('created_at', '<', historyBefore).where('status', '<>', 'pending').execute();
  const keys = await db.deleteFrom('idempotency_keys').where('created_at', '<', idempotencyBefore).executeTakeFirst();
  return { events: Number(events.numDeletedRows), keys: Number(keys.numDeletedRows) };
}
