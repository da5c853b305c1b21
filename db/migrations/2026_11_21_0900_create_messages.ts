import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('messages')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    // Mailbox, folder, flag, time and size are plaintext by design (see DESIGN.md, threat model).
    .addColumn('folder', 'text', (c) => c.notNull().defaultTo('inbox'))
    .addColumn('seen', 'boolean', (c) => c.notNull().defaultTo(false))
    // Millisecond precision, like a JS Date: the list's keyset cursor round-trips through one, and a
    // microsecond default would make `received_at = cursor` miss the row the cursor came from.
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`date_trunc('milliseconds', now())`))
    // Bytes of the message as received, before the Authentication-Results header was added.
    .addColumn('size', 'integer', (c) => c.notNull())
    // OpenPGP messages to the recipient's key: the raw RFC 5322 bytes, and the list-view summary.
    .addColumn('raw_ciphertext', 'bytea', (c) => c.notNull())
    .addColumn('summary_ciphertext', 'bytea', (c) => c.notNull())
    .execute();

  // Ciphertext never compresses: skip PostgreSQL's attempt (TOAST still moves it out of line).
  await sql`ALTER TABLE messages ALTER COLUMN raw_ciphertext SET STORAGE EXTERNAL, ALTER COLUMN summary_ciphertext SET STORAGE EXTERNAL`.execute(db);

  // The list view pages a folder newest first; the id breaks ties between equal timestamps.
  await sql`CREATE INDEX messages_user_folder_received_idx ON messages (user_id, folder, received_at DESC, id DESC)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('messages').execute();
}
