import 'server-only';
import { sql } from 'kysely';
import type { Db } from '../client';

/** One recipient's copy. */
export interface InboundCopy {
  user_id: string;
  /** 'inbox' (the default), or 'spam' when a filter said so. */
  folder?: string;
  /** true when the recipient's own filter marked it read. */
  seen?: boolean;
  received_at: Date;
  size: number;
  raw_ciphertext: Uint8Array;
  summary_ciphertext: Uint8Array;
}

/**
 * Stores every recipient's copy of one inbound message and notifies channel `new_mail` (payload =
 * user id) in ONE statement: a single statement is its own transaction, so the copies and the
 * notifications commit together or not at all, in one round trip instead of four (BEGIN, INSERT,
 * NOTIFY, COMMIT). PostgreSQL folds identical notifications of one transaction into one.
 * A `sql` template, not the query builder: this runs for every inbound message.
 *
 * `notAfter`, on PostgreSQL's clock: the statement stores nothing once clock_timestamp() has
 * passed it. A statement that waited out a frozen or overloaded database and runs after the SMTP
 * client was told 451 must not store the message (the client will send it again). The gate is
 * read once (a MATERIALIZED CTE: a volatile function per row could let some copies through and
 * not others), so every copy is stored, or none.
 */
export async function storeInboundMessages(
  db: Db,
  rows: InboundCopy[],
  options: { notAfter?: Date } = {},
): Promise<{ id: string; user_id: string }[]> {
  if (rows.length === 0) return [];
  const values = sql.join(
    rows.map((row) => sql`(${row.user_id}::uuid, ${row.folder ?? 'inbox'}::text, ${row.seen ?? false}::boolean, ${row.received_at}::timestamptz, ${row.size}::integer, ${row.raw_ciphertext}::bytea, ${row.summary_ciphertext}::bytea)`),
  );
  const notAfter = options.notAfter ?? null;
  const { rows: inserted } = await sql<{ id: string; user_id: string }>`
    WITH gate AS MATERIALIZED (
      SELECT ${notAfter}::timestamptz IS NULL OR clock_timestamp() < ${notAfter}::timestamptz AS open
    ),
    inserted AS (
      INSERT INTO messages (user_id, folder, seen, received_at, size, raw_ciphertext, summary_ciphertext)
      SELECT copy.* FROM (VALUES ${values}) AS copy, gate WHERE gate.open
      RETURNING id, user_id
    )
    SELECT id, user_id, pg_notify('new_mail', user_id::text) AS notified FROM inserted`.execute(db);
  return inserted.map(({ id, user_id }) => ({ id, user_id }));
}

/**
 * Takes back copies that committed although the sender was told 451 (the statement passed its
 * gate just before the deadline, and its answer came after): the sender retries, so keeping them
 * would store the message twice.
 */
export async function withdrawInboundMessages(db: Db, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await sql`DELETE FROM messages WHERE id = ANY(${ids}::uuid[])`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
