import { sql } from 'kysely';
import type { Db } from '../client';

/** One recipient's copy: folder and seen take their defaults (inbox, unread). */
export interface InboundCopy {
  user_id: string;
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
 */
export async function storeInboundMessages(db: Db, rows: InboundCopy[]): Promise<{ id: string; user_id: string }[]> {
  if (rows.length === 0) return [];
  const values = sql.join(
    rows.map((row) => sql`(${row.user_id}::uuid, ${row.received_at}::timestamptz, ${row.size}::integer, ${row.raw_ciphertext}, ${row.summary_ciphertext})`),
  );
  const { rows: inserted } = await sql<{ id: string; user_id: string }>`
    WITH inserted AS (
      INSERT INTO messages (user_id, received_at, size, raw_ciphertext, summary_ciphertext)
      VALUES ${values}
      RETURNING id, user_id
    )
    SELECT id, user_id, pg_notify('new_mail', user_id::text) AS notified FROM inserted`.execute(db);
  return inserted.map(({ id, user_id }) => ({ id, user_id }));
}
