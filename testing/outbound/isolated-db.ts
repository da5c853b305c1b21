import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { type Db, createDb } from '../../db/client';
import { migrateToLatest } from '../../db/migrate';

/**
 * A database of its own for one test file, in the run's embedded cluster. Outbound tests run
 * pg-boss workers; in a shared database, another file's worker (with its own DNS and sink) could
 * take their jobs.
 */
export function useIsolatedDb(): { db: () => Db; url: () => string } {
  const name = `outbound_${randomBytes(6).toString('hex')}`;
  const base = new URL(inject('databaseUrl'));
  const url = new URL(base);
  url.pathname = `/${name}`;
  let db: Db | undefined;

  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: base.href });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    await admin(`CREATE DATABASE ${name}`);
    db = createDb(url.href, { max: 10 });
    await migrateToLatest(db);
  });
  afterAll(async () => {
    await db?.destroy();
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
  return { db: () => db!, url: () => url.href };
}
