import 'server-only';
import { createDb, type Db } from '../db/client';
import { env } from './env';

let db: Db | undefined;

/** The database of this process: DATABASE_URL, which the supervisor sets for every role. */
export function getDb(): Db {
  if (!db) {
    const url = env().DATABASE_URL;
    if (!url) throw new Error('DATABASE_URL is not set: start Sealpost with `npm start`, which provides it');
    db = createDb(url);
  }
  return db;
}
