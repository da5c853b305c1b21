import 'server-only';
import { sql } from 'kysely';
import type { Db } from '../client';

/**
 * Fixed-window counters in PostgreSQL, so every web node sees the same counts: sign-in failures and
 * rate limits (auth_throttle; its `failures` column is the count of whatever the key counts).
 */

export interface Counter {
  count: number;
  windowEndsAt: Date;
}

/** Adds one to `key` in the current window (a stale window starts again at 1). One statement, so concurrent hits can't be lost. */
export async function incrementCounter(db: Db, key: string, now: Date, windowMs: number): Promise<Counter> {
  const windowStart = new Date(now.getTime() - windowMs);
  const { rows } = await sql<{ failures: number; window_started_at: Date }>`
    INSERT INTO auth_throttle (key, failures, window_started_at)
    VALUES (${key}, 1, ${now})
    ON CONFLICT (key) DO UPDATE SET
      failures = CASE WHEN auth_throttle.window_started_at < ${windowStart} THEN 1 ELSE auth_throttle.failures + 1 END,
      window_started_at = CASE WHEN auth_throttle.window_started_at < ${windowStart} THEN ${now} ELSE auth_throttle.window_started_at END
    RETURNING failures, window_started_at
  `.execute(db);
  const row = rows[0]!;
  return { count: row.failures, windowEndsAt: new Date(new Date(row.window_started_at).getTime() + windowMs) };
}

/** The counts of `keys` in their current windows; a key with no count in its window is absent. */
export async function readCounters(db: Db, keys: string[], now: Date, windowMs: number): Promise<Map<string, Counter>> {
  if (!keys.length) return new Map();
  const rows = await db
    .selectFrom('auth_throttle')
    .select(['key', 'failures', 'window_started_at'])
    .where('key', 'in', keys)
    .where('window_started_at', '>=', new Date(now.getTime() - windowMs))
    .execute();
  return new Map(rows.map((r) => [r.key, { count: r.failures, windowEndsAt: new Date(new Date(r.window_started_at).getTime() + windowMs) }]));
}

/** Takes one back, for an attempt that was counted up front and turned out not to count. */
export async function decrementCounter(db: Db, key: string): Promise<void> {
  await sql`UPDATE auth_throttle SET failures = GREATEST(failures - 1, 0) WHERE key = ${key}`.execute(db);
}

export async function clearCounter(db: Db, key: string): Promise<void> {
  await db.deleteFrom('auth_throttle').where('key', '=', key).execute();
}

/**
 * Marks a proof-of-work solution as used. False when it already was: a replay. Expired rows go in
 * the same call, so the table holds only what could still be replayed.
 */
export async function spendProofOfWork(db: Db, signature: string, expiresAt: Date, now: Date): Promise<boolean> {
  await db.deleteFrom('proof_of_work_spent').where('expires_at', '<', now).execute();
  const row = await db
    .insertInto('proof_of_work_spent')
    .values({ signature, expires_at: expiresAt })
    .onConflict((oc) => oc.column('signature').doNothing())
    .returning('signature')
    .executeTakeFirst();
  return row !== undefined;
}
