import { afterAll, inject } from 'vitest';
import { createDb, type Db } from '../db/client';

/** A handle on the run's embedded database, closed when the file's tests end. */
export function useTestDb(): Db {
  const db = createDb(inject('databaseUrl'), { max: 5 });
  process.env.DATABASE_URL = inject('databaseUrl');
  afterAll(() => db.destroy());
  return db;
}
