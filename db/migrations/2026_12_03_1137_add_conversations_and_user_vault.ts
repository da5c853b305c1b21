import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // A conversation key is an HMAC, computed in the browser under a per-user key, of the root
  // Message-ID of the thread a message belongs to (base64url, 43 characters). The server learns which
  // messages belong together and nothing else. NULL until a session has decrypted the message.
  await db.schema.alterTable('messages').addColumn('conversation_key', 'text').execute();
  // The conversation list walks a folder newest first and, for each row, looks for a newer message of
  // the same conversation; both steps are index lookups, so a page costs the same at any folder size.
  await sql`CREATE INDEX messages_user_conversation_idx ON messages (user_id, conversation_key, received_at DESC, id DESC) WHERE conversation_key IS NOT NULL`.execute(
    db,
  );

  // Messages no session has placed yet, newest first: what a signed-in browser places next.
  await sql`CREATE INDEX messages_user_unplaced_idx ON messages (user_id, received_at DESC, id DESC) WHERE conversation_key IS NULL`.execute(db);

  // Secrets the browser keeps for itself, encrypted to the user's own OpenPGP key (the conversation
  // HMAC key, the search index key) and opaque search index segments, encrypted under the index key.
  await db.schema
    .createTable('user_vault_keys')
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('ciphertext', 'bytea', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('user_vault_keys_pk', ['user_id', 'purpose'])
    .execute();

  await db.schema
    .createTable('search_index_segments')
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    // Chosen by the browser: random, says nothing about what the segment holds.
    .addColumn('segment_id', 'text', (c) => c.notNull())
    .addColumn('ciphertext', 'bytea', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('search_index_segments_pk', ['user_id', 'segment_id'])
    .execute();
  await sql`ALTER TABLE search_index_segments ALTER COLUMN ciphertext SET STORAGE EXTERNAL`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('search_index_segments').execute();
  await db.schema.dropTable('user_vault_keys').execute();
  await sql`DROP INDEX IF EXISTS messages_user_conversation_idx`.execute(db);
  await sql`DROP INDEX IF EXISTS messages_user_unplaced_idx`.execute(db);
  await db.schema.alterTable('messages').dropColumn('conversation_key').execute();
}
