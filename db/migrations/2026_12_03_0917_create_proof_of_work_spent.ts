import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Proof-of-work solutions already used, so one solved challenge buys one attempt. A row is
  // worthless after its challenge expires, and is deleted then.
  await db.schema
    .createTable('proof_of_work_spent')
    .addColumn('signature', 'text', (c) => c.primaryKey())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('proof_of_work_spent_expires_at_idx').on('proof_of_work_spent').column('expires_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('proof_of_work_spent').execute();
}
