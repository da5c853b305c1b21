import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Mail written by a user of this instance is built and encrypted in the sender's browser, so its
  // headers and summary are the sender's word. The server adds what it checked itself (the From is
  // one of the sender's addresses) as a small OpenPGP message to the recipient's key. NULL for mail
  // that came in through the MX, whose summary the MX wrote.
  await db.schema.alterTable('messages').addColumn('origin_ciphertext', 'bytea').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('messages').dropColumn('origin_ciphertext').execute();
}
