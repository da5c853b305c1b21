import { type Kysely, sql } from 'kysely';

/**
 * Each API key's rate limit as one token bucket in the database, shared by every web and smtp
 * node: nodes lease tokens from it in small blocks (server/platform/shared-rate-limit.ts), so N
 * nodes no longer give a key N times its rate.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('api_key_rate_buckets')
    .addColumn('key_id', 'uuid', (c) => c.primaryKey().references('api_keys.id').onDelete('cascade'))
    // Tokens left at refilled_at; the bucket holds at most the key's rate_per_minute.
    .addColumn('tokens', 'double precision', (c) => c.notNull())
    .addColumn('refilled_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // What the last lease handed out, so the statement that takes tokens can say how many.
    .addColumn('granted', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('api_key_rate_buckets').execute();
}
