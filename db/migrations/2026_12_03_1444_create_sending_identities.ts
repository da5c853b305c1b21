import { type Kysely, sql } from 'kysely';

/**
 * A display name and a signature per sending address (the primary, an address or an alias). Both
 * are typed by the user and only the browser needs them (it builds the MIME), so the server keeps
 * one OpenPGP message per identity, encrypted to the owner's key; the address it belongs to is
 * plaintext, as addresses already are.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sending_identities')
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('ciphertext', 'bytea', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('sending_identities_pk', ['user_id', 'address'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sending_identities').execute();
}
