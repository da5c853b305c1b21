import { afterAll, inject } from 'vitest';
import { createDb, type Db, timeoutsFor } from '../db/client';

/**
 * A handle on the run's embedded database, closed when the file's tests end. Its connect timeout is
 * generous: a test's thread blocked in Argon2id (or a machine busy with parallel files) must not
 * turn a pending connection into a failure. Tests of the timeouts themselves make their own pools.
 */
export function useTestDb(): Db {
  const db = createDb(inject('databaseUrl'), { max: 5, timeouts: timeoutsFor(30_000, 60_000) });
  process.env.DATABASE_URL = inject('databaseUrl');
  afterAll(() => db.destroy());
  return db;
}
