import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Disabled accounts can't sign in and get no mail (550 5.2.1); null = enabled.
  await db.schema.alterTable('users').addColumn('disabled_at', 'timestamptz').execute();
  // Bytes of mail the account may hold; null = the instance default (QUOTA_BYTES).
  await db.schema.alterTable('users').addColumn('quota_bytes', 'bigint').execute();

  // Single-use links an admin hands out; only a hash of the token is stored.
  await db.schema
    .createTable('invites')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .addColumn('used_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .execute();

  // Usernames of deleted accounts, held back so nobody else receives the old owner's mail at once.
  await db.schema
    .createTable('retired_usernames')
    .addColumn('username', 'text', (c) => c.primaryKey())
    .addColumn('retired_until', 'timestamptz', (c) => c.notNull())
    .execute();

  // The audit viewer pages newest first and the worker purges by age.
  await db.schema.createIndex('audit_log_at_idx').on('audit_log').column('at').execute();
  await db.schema.createIndex('audit_log_user_at_idx').on('audit_log').columns(['user_id', 'at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('audit_log_user_at_idx').execute();
  await db.schema.dropIndex('audit_log_at_idx').execute();
  await db.schema.dropTable('retired_usernames').execute();
  await db.schema.dropTable('invites').execute();
  await db.schema.alterTable('users').dropColumn('quota_bytes').execute();
  await db.schema.alterTable('users').dropColumn('disabled_at').execute();
}
