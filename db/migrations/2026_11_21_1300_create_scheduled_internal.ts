import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // A scheduled send to mailboxes on this instance (DESIGN.md, "Mail between users of the same
  // server"): the browser encrypted each copy to its recipient's key, and a worker files them at
  // send_at. Once it is filed or cancelled, the row stays as a small tombstone (no recipients, no
  // ciphertext) so that a late Cancel can say what happened; the worker's sweep purges it later.
  await db.schema
    .createTable('scheduled_internal_sends')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    // One of the sender's own addresses, checked when it was scheduled.
    .addColumn('from_address', 'text', (c) => c.notNull())
    // scheduled | delivered | cancelled
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('send_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz')
    .execute();
  // The sender's Scheduled view, and the sweep of due sends whose job was lost.
  await sql`CREATE INDEX scheduled_internal_sends_user_idx ON scheduled_internal_sends (user_id, send_at) WHERE status = 'scheduled'`.execute(db);
  await sql`CREATE INDEX scheduled_internal_sends_due_idx ON scheduled_internal_sends (send_at) WHERE status = 'scheduled'`.execute(db);
  await sql`CREATE INDEX scheduled_internal_sends_finished_idx ON scheduled_internal_sends (finished_at) WHERE finished_at IS NOT NULL`.execute(db);

  // One row per recipient mailbox, deleted in the transaction that files it (or cancels the send).
  // The recipient's address is plaintext until then, like the envelope of outbound mail.
  await db.schema
    .createTable('scheduled_internal_copies')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('send_id', 'uuid', (c) => c.notNull().references('scheduled_internal_sends.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('address', 'text', (c) => c.notNull())
    // Bytes of the plaintext message, as messages.size.
    .addColumn('size', 'integer', (c) => c.notNull())
    // OpenPGP messages to the recipient's key, as in messages: raw RFC 5322 bytes, list-view
    // summary, and the server's attestation of the sender.
    .addColumn('raw_ciphertext', 'bytea', (c) => c.notNull())
    .addColumn('summary_ciphertext', 'bytea', (c) => c.notNull())
    .addColumn('origin_ciphertext', 'bytea', (c) => c.notNull())
    .execute();
  await sql`ALTER TABLE scheduled_internal_copies ALTER COLUMN raw_ciphertext SET STORAGE EXTERNAL, ALTER COLUMN summary_ciphertext SET STORAGE EXTERNAL`.execute(
    db,
  );
  await db.schema.createIndex('scheduled_internal_copies_send_idx').on('scheduled_internal_copies').column('send_id').execute();
  // Deleting a recipient's account cascades here: without an index that is a scan per user.
  await db.schema.createIndex('scheduled_internal_copies_user_idx').on('scheduled_internal_copies').column('user_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('scheduled_internal_copies').execute();
  await db.schema.dropTable('scheduled_internal_sends').execute();
}
