import { sql } from 'kysely';
import type { Db } from '../client';

// Db is Kysely<Database>; a Transaction<Database> is one too, so every function here runs in either.
type Executor = Db;

// These run for every RCPT and every inbound message. Written as `sql` templates rather than with
// the query builder: building and compiling a query costs more CPU than PostgreSQL spends on it,
// and at hundreds of messages a second that shows (see bench/smtp.ts).

/** The mailbox that a local part names on the instance's own domain. */
export async function findUserIdByUsername(db: Executor, username: string): Promise<string | undefined> {
  const { rows } = await sql<{ id: string }>`SELECT id FROM users WHERE username = ${username}`.execute(db);
  return rows[0]?.id;
}

/** Only the public keys: the SMTP sidecar never needs any other account material. */
export async function findPublicKeys(db: Executor, userIds: string[]): Promise<{ id: string; public_key: string }[]> {
  if (userIds.length === 0) return [];
  const { rows } = await sql<{ id: string; public_key: string }>`
    SELECT id, public_key FROM users WHERE id = ANY(${userIds}::uuid[])`.execute(db);
  return rows;
}
