import type pg from 'pg';

/**
 * The PostgreSQL pools this process has open, for the pool-use metrics (server/metrics). Kept on
 * globalThis because the web role's route handlers run from Next's bundle with their own copy of
 * this module, and the metrics must see the pools both copies open.
 */
const KEY = Symbol.for('sealpost.pg-pools');
const holder = globalThis as { [KEY]?: Set<pg.Pool> };

export function trackPool(pool: pg.Pool): void {
  holder[KEY] ??= new Set();
  const pools = holder[KEY];
  pools.add(pool);
  const end = pool.end.bind(pool);
  pool.end = (async () => {
    pools.delete(pool);
    return end();
  }) as typeof pool.end;
}

export function livePools(): Iterable<pg.Pool> {
  return holder[KEY] ?? [];
}
