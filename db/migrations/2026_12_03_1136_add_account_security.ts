import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // A name shown beside the address; plaintext, like the address itself.
  await db.schema.alterTable('users').addColumn('display_name', 'text').execute();

  // A session made by the password alone waits here until the second factor passes (or, when the
  // instance requires 2FA, until the user enrols one). Until then it gets no wrapped key.
  await db.schema
    .alterTable('sessions')
    .addColumn('second_factor_pending', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('webauthn_challenge', 'text')
    .addColumn('second_factor_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  // The TOTP secret, sealed at rest under SECRET_KEY. enabled_at is null while enrolment awaits
  // its first code; last_step refuses a code twice.
  await db.schema
    .createTable('user_totp')
    .addColumn('user_id', 'uuid', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('secret_sealed', 'bytea', (c) => c.notNull())
    .addColumn('enabled_at', 'timestamptz')
    .addColumn('last_step', 'bigint')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // Single-use recovery codes, stored as keyed hashes only.
  await db.schema
    .createTable('user_recovery_codes')
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('code_hash', 'bytea', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .addPrimaryKeyConstraint('user_recovery_codes_pk', ['user_id', 'code_hash'])
    .execute();

  // WebAuthn credentials: public keys and signature counters, nothing secret.
  await db.schema
    .createTable('user_passkeys')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('credential_id', 'text', (c) => c.notNull().unique())
    .addColumn('public_key', 'bytea', (c) => c.notNull())
    .addColumn('counter', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('transports', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_used_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('user_passkeys_user_idx').on('user_passkeys').column('user_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('user_passkeys').execute();
  await db.schema.dropTable('user_recovery_codes').execute();
  await db.schema.dropTable('user_totp').execute();
  await db.schema.alterTable('sessions').dropColumn('second_factor_failures').dropColumn('webauthn_challenge').dropColumn('second_factor_pending').execute();
  await db.schema.alterTable('users').dropColumn('display_name').execute();
}
