import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('domains')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    // ASCII (punycode), lowercase, no trailing dot.
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('owner_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('verify_token', 'text', (c) => c.notNull())
    .addColumn('dkim_selector', 'text', (c) => c.notNull())
    // base64 DER SubjectPublicKeyInfo, as published in the DKIM record's p= tag.
    .addColumn('dkim_public_key', 'text', (c) => c.notNull())
    // nonce || AES-256-GCM(PKCS#8 PEM) || tag, under a key derived from SECRET_KEY.
    .addColumn('dkim_private_key', 'bytea', (c) => c.notNull())
    .addColumn('catch_all', 'boolean', (c) => c.notNull().defaultTo(false))
    // pending → verified; failed once 72 hours pass without ownership proof.
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('verified_at', 'timestamptz')
    .addColumn('last_checked_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('domains_owner_id_idx').on('domains').column('owner_id').execute();

  await db.schema
    .createTable('domain_records')
    .addColumn('domain_id', 'uuid', (c) => c.notNull().references('domains.id').onDelete('cascade'))
    // ownership | mx | spf | dkim | dmarc
    .addColumn('kind', 'text', (c) => c.notNull())
    // ok | missing | mismatch | pending (timeout, SERVFAIL)
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    // What the resolver returned, for a mismatch.
    .addColumn('found', 'text')
    .addColumn('checked_at', 'timestamptz')
    .addPrimaryKeyConstraint('domain_records_pk', ['domain_id', 'kind'])
    .execute();

  // Addresses and aliases share one namespace: an address can't also be someone's alias.
  await db.schema
    .createTable('addresses')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    // null for addresses on the instance's own MAIL_DOMAIN.
    .addColumn('domain_id', 'uuid', (c) => c.references('domains.id').onDelete('cascade'))
    .addColumn('local_part', 'text', (c) => c.notNull())
    .addColumn('domain', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull().unique())
    // address: published in WKD, can send. alias: receives only, never published.
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('alias_style', 'text') // custom | random, for aliases
    .addColumn('note', 'text')
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('is_default', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('received_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('blocked_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('addresses_user_id_idx').on('addresses').column('user_id').execute();
  await db.schema.createIndex('addresses_local_domain_idx').on('addresses').columns(['domain', 'local_part']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('addresses').execute();
  await db.schema.dropTable('domain_records').execute();
  await db.schema.dropTable('domains').execute();
}
