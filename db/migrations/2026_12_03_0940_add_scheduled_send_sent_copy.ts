import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Every send is now a scheduled send (an immediate one at now + the undo window), so the send
  // holds what the browser used to file at the end of that window: the sender's Sent copy
  // (ciphertext to the sender's own key), the draft it replaces, and the outbound messages of the
  // same send, cancelled with it. The Sent copy is cleared when the send is filed or cancelled.
  await db.schema
    .alterTable('scheduled_internal_sends')
    .addColumn('sent_raw_ciphertext', 'bytea')
    .addColumn('sent_summary_ciphertext', 'bytea')
    .addColumn('sent_size', 'integer')
    .addColumn('draft_id', 'uuid')
    .addColumn('outbound_ids', 'jsonb', (c) => c.notNull().defaultTo('[]'))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('scheduled_internal_sends')
    .dropColumn('sent_raw_ciphertext')
    .dropColumn('sent_summary_ciphertext')
    .dropColumn('sent_size')
    .dropColumn('draft_id')
    .dropColumn('outbound_ids')
    .execute();
}
