import 'server-only';
import { sql } from 'kysely';
import type { Db } from '../client';

/**
 * Takes up to `ask` whole tokens from a key's bucket in one atomic statement: the bucket is first
 * refilled by the time since the last take (at `perSecond`, up to `capacity`, on the database's
 * clock so nodes' clocks don't matter), then what is granted is subtracted. Made on first use.
 * Returns the tokens granted and those left.
 */
export async function leaseTokens(db: Db, keyId: string, capacity: number, perSecond: number, ask: number): Promise<{ granted: number; left: number }> {
  const { rows } = await sql<{ granted: number; tokens: number }>`
    INSERT INTO api_key_rate_buckets AS b (key_id, tokens, refilled_at, granted)
    VALUES (${keyId}, ${capacity}::float8 - least(${ask}::int, floor(${capacity}::float8)::int), now(), least(${ask}::int, floor(${capacity}::float8)::int))
    ON CONFLICT (key_id) DO UPDATE SET
      granted = least(${ask}::int, floor(least(${capacity}::float8, b.tokens + extract(epoch FROM now() - b.refilled_at) * ${perSecond}::float8))::int),
      tokens = least(${capacity}::float8, b.tokens + extract(epoch FROM now() - b.refilled_at) * ${perSecond}::float8)
             - least(${ask}::int, floor(least(${capacity}::float8, b.tokens + extract(epoch FROM now() - b.refilled_at) * ${perSecond}::float8))::int),
      refilled_at = now()
    RETURNING granted, tokens`.execute(db);
  return { granted: rows[0]!.granted, left: rows[0]!.tokens };
}
