import 'server-only';
import { createDb, type Db, timeoutsFor } from '../db/client';
import { type Env, EnvError, env } from './env';
import { logger } from './logger';

let db: Db | undefined;

/** The database timeouts of this process, from DB_CONNECT_TIMEOUT_MS and DB_STATEMENT_TIMEOUT_MS. */
export const dbTimeouts = (config: Env) => timeoutsFor(config.DB_CONNECT_TIMEOUT_MS, config.DB_STATEMENT_TIMEOUT_MS);

/** The database of this process: DATABASE_URL, which the supervisor sets for every role. */
export function getDb(): Db {
  if (!db) {
    const config = env();
    if (!config.DATABASE_URL) throw new EnvError('DATABASE_URL is not set: start Sealpost with `npm start`, which provides it');
    db = createDb(config.DATABASE_URL, {
      timeouts: dbTimeouts(config),
      // An idle connection dropped by a restarting or unreachable server; the pool opens another.
      onPoolError: (err) => logger.warn({ err: err.message }, 'database connection lost'),
    });
  }
  return db;
}
