import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Per-user filter rules, applied by the MX at arrival (docs/filtering.md): stored in plaintext,
  // because the server has to read them while it still holds the plaintext of the message.
  await db.schema
    .createTable('mail_filters')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('field', 'text', (c) => c.notNull().check(sql`field IN ('from', 'to', 'subject', 'has_attachment')`))
    .addColumn('contains', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('action', 'text', (c) => c.notNull().check(sql`action IN ('move', 'mark_read', 'discard')`))
    .addColumn('folder', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('mail_filters_move_has_folder', sql`(action = 'move') = (folder IS NOT NULL)`)
    .execute();
  await db.schema.createIndex('mail_filters_user_idx').on('mail_filters').columns(['user_id', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('mail_filters').execute();
}
