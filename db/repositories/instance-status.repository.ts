import 'server-only';
import { sql } from 'kysely';
import type { Db } from '../client';
import { WORKER_SESSION_PREFIX } from './worker-presence.repository';

/** PostgreSQL's version, the database's size, and how many worker processes hold a presence session. */
export async function databaseStatus(db: Db): Promise<{ version: string; sizeBytes: number; workers: number }> {
  const { rows } = await sql<{ version: string; size: string; workers: string }>`
    SELECT current_setting('server_version') AS version, pg_database_size(current_database()) AS size,
           (SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE ${`${WORKER_SESSION_PREFIX}%`}) AS workers`.execute(db);
  const row = rows[0]!;
  return { version: row.version, sizeBytes: Number(row.size), workers: Number(row.workers) };
}
