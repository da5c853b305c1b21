import { type Kysely, sql } from 'kysely';

/**
 * Folders beyond the built-in ones, labels and stars. What users type (folder and label names) is
 * stored only as ciphertext to the owner's key; ids, colours, flags and which message carries which
 * label are plaintext, like the folder a message is in.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('messages')
    .addColumn('starred', 'boolean', (c) => c.notNull().defaultTo(false))
    // When the message reached its folder: Trash and Spam are purged some days after.
    .addColumn('moved_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // Counts and "mark all read" read unread rows of one folder.
  await sql`CREATE INDEX messages_user_folder_unread_idx ON messages (user_id, folder) WHERE NOT seen`.execute(db);
  await sql`CREATE INDEX messages_purge_idx ON messages (folder, moved_at) WHERE folder IN ('trash', 'spam')`.execute(db);

  await db.schema
    .createTable('mail_labels')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind IN ('label', 'folder')`))
    .addColumn('name_ciphertext', 'bytea', (c) => c.notNull())
    .addColumn('color', 'text', (c) => c.notNull().defaultTo('slate'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`CREATE INDEX mail_labels_user_idx ON mail_labels (user_id, kind, created_at)`.execute(db);

  await db.schema
    .createTable('message_labels')
    .addColumn('message_id', 'uuid', (c) => c.notNull().references('messages.id').onDelete('cascade'))
    .addColumn('label_id', 'uuid', (c) => c.notNull().references('mail_labels.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('message_labels_pk', ['message_id', 'label_id'])
    .execute();
  await sql`CREATE INDEX message_labels_label_idx ON message_labels (label_id, message_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('message_labels').execute();
  await db.schema.dropTable('mail_labels').execute();
  await sql`DROP INDEX IF EXISTS messages_purge_idx`.execute(db);
  await sql`DROP INDEX IF EXISTS messages_user_folder_unread_idx`.execute(db);
  await db.schema.alterTable('messages').dropColumn('starred').dropColumn('moved_at').execute();
}
