import { sql } from 'kysely';
import type { Db } from '../client';

export async function findLocks(db: Db, keys: string[], now: Date): Promise<Date | undefined> {
  const row = await db
    .selectFrom('auth_throttle')
    .select((eb) => eb.fn.max('locked_until').as('until'))
    .where('key', 'in', keys)
    .where('locked_until', '>', now)
    .executeTakeFirst();
  return row?.until ? new Date(row.until) : undefined;
}

/**
 * Counts a failure inside a fixed window and locks the key until the window ends once the limit is
 * reached. One statement, so concurrent failures can't race past the limit.
 */
export async function recordFailure(db: Db, key: string, now: Date, windowMs: number, limit: number): Promise<void> {
  const windowStart = new Date(now.getTime() - windowMs);
  await sql`
    INSERT INTO auth_throttle (key, failures, window_started_at, locked_until)
    VALUES (${key}, 1, ${now}, ${limit <= 1 ? new Date(now.getTime() + windowMs) : null})
    ON CONFLICT (key) DO UPDATE SET
      failures = CASE WHEN auth_throttle.window_started_at < ${windowStart} THEN 1 ELSE auth_throttle.failures + 1 END,
      window_started_at = CASE WHEN auth_throttle.window_started_at < ${windowStart} THEN ${now} ELSE auth_throttle.window_started_at END,
      locked_until = CASE
        WHEN auth_throttle.window_started_at >= ${windowStart} AND auth_throttle.failures + 1 >= ${limit}
        THEN auth_throttle.window_started_at + ${`${windowMs} milliseconds`}::interval
        ELSE auth_throttle.locked_until END
  `.execute(db);
}

export async function clearFailures(db: Db, key: string): Promise<void> {
  await db.deleteFrom('auth_throttle').where('key', '=', key).execute();
}
