import 'server-only';
import { randomUUID } from 'node:crypto';
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
  /** Labels the recipient's own filter rules put on it (ids of that user's labels). */
  labels?: string[];
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
export async function storeInboundMessages(db: Db, rows: InboundCopy[], options: { notAfter?: Date } = {}): Promise<{ id: string; user_id: string }[]> {
  if (rows.length === 0) return [];
  // Labelled copies need their ids before the statement runs: the batch form makes them.
  if (rows.some((row) => row.labels?.length)) return (await storeInboundBatch(db, [{ rows, ...(options.notAfter ? { notAfter: options.notAfter } : {}) }]))[0]!;
  const values = sql.join(
    rows.map(
      (row) =>
        sql`(${row.user_id}::uuid, ${row.folder ?? 'inbox'}::text, ${row.seen ?? false}::boolean, ${row.received_at}::timestamptz, ${row.size}::integer, ${row.raw_ciphertext}::bytea, ${row.summary_ciphertext}::bytea)`,
    ),
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

/** One message of a group commit: its copies and its own deadline. */
export interface InboundBatchEntry {
  rows: InboundCopy[];
  notAfter?: Date;
}

/**
 * Group commit: the copies of several messages, from concurrent SMTP sessions, in ONE statement
 * and so one transaction and one WAL flush (fsync) instead of one per message. Each message keeps
 * its own deadline: the gate is read once (clock_timestamp(), MATERIALIZED), and a message whose
 * `notAfter` has passed stores none of its copies while the others commit. Ids are made here, so
 * every message learns which of its copies were stored. Returns, per entry, the stored copies.
 */
export async function storeInboundBatch(db: Db, entries: InboundBatchEntry[]): Promise<{ id: string; user_id: string }[][]> {
  const copies = entries.flatMap((entry, m) => entry.rows.map((row) => ({ m, id: randomUUID(), row, notAfter: entry.notAfter ?? null })));
  if (copies.length === 0) return entries.map(() => []);
  const values = sql.join(
    copies.map(
      ({ id, row, notAfter }) =>
        sql`(${id}::uuid, ${row.user_id}::uuid, ${row.folder ?? 'inbox'}::text, ${row.seen ?? false}::boolean, ${row.received_at}::timestamptz, ${row.size}::integer, ${row.raw_ciphertext}::bytea, ${row.summary_ciphertext}::bytea, ${notAfter}::timestamptz)`,
    ),
  );
  const { rows: inserted } = await sql<{ id: string; user_id: string }>`
    WITH gate AS MATERIALIZED (SELECT clock_timestamp() AS now),
    inserted AS (
      INSERT INTO messages (id, user_id, folder, seen, received_at, size, raw_ciphertext, summary_ciphertext)
      SELECT copy.id, copy.user_id, copy.folder, copy.seen, copy.received_at, copy.size, copy.raw, copy.summary
      FROM (VALUES ${values}) AS copy (id, user_id, folder, seen, received_at, size, raw, summary, not_after), gate
      WHERE copy.not_after IS NULL OR gate.now < copy.not_after
      RETURNING id, user_id
    )${labelled(copies)}
    SELECT id, user_id, pg_notify('new_mail', user_id::text) AS notified FROM inserted`.execute(db);
  const stored = new Set(inserted.map((row) => row.id));
  const result: { id: string; user_id: string }[][] = entries.map(() => []);
  for (const copy of copies) {
    if (stored.has(copy.id)) result[copy.m]!.push({ id: copy.id, user_id: copy.row.user_id });
  }
  return result;
}

/**
 * The labels that filter rules put on stored copies, in the same statement as the copies. Only
 * copies that were stored (past the gate) get them, and only labels that still exist and belong to
 * the copy's owner (a rule's label may have been removed since the rules were read).
 */
function labelled(copies: { id: string; row: InboundCopy }[]) {
  const pairs = copies.flatMap(({ id, row }) => (row.labels ?? []).map((label) => sql`(${id}::uuid, ${label}::uuid)`));
  if (pairs.length === 0) return sql``;
  return sql`,
    labelled AS (
      INSERT INTO message_labels (message_id, label_id)
      SELECT pair.message_id, pair.label_id
      FROM (VALUES ${sql.join(pairs)}) AS pair (message_id, label_id)
      JOIN inserted ON inserted.id = pair.message_id
      JOIN mail_labels label ON label.id = pair.label_id AND label.user_id = inserted.user_id AND label.kind = 'label'
      ON CONFLICT DO NOTHING
    )`;
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
