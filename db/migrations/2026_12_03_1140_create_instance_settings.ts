import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Instance-wide settings an admin changes at run time (registration policy, requiring 2FA, …).
  // A missing row means "the environment's default". Values are small JSON documents, never secrets.
  await db.schema
    .createTable('instance_settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'jsonb', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('instance_settings').execute();
}
