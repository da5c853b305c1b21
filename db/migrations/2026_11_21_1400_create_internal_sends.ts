import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Mail to people on this instance counts against the sender's limits as outbound mail does
  // (outbound_messages.recipient_count): one row per send, recipients counted, no addresses and no
  // content. Rows older than the day window are deleted by the worker's hourly purge.
  await db.schema
    .createTable('internal_sends')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('recipient_count', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    // A scheduled send's row goes when it is cancelled, as a cancelled outbound message stops counting.
    .addColumn('scheduled_id', 'uuid', (c) => c.references('scheduled_internal_sends.id').onDelete('cascade'))
    .execute();
  await db.schema.createIndex('internal_sends_user_idx').on('internal_sends').columns(['user_id', 'created_at']).execute();
  await db.schema.createIndex('internal_sends_created_idx').on('internal_sends').column('created_at').execute();
  await sql`CREATE INDEX internal_sends_scheduled_idx ON internal_sends (scheduled_id) WHERE scheduled_id IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('internal_sends').execute();
}
