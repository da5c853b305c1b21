import { type Kysely, sql } from 'kysely';

/**
 * The "label" action of per-user filter rules: the rule names one of its owner's labels, and the MX
 * puts that label on matching mail as it stores it. Removing the label removes its rules.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('mail_filters')
    .addColumn('label_id', 'uuid', (c) => c.references('mail_labels.id').onDelete('cascade'))
    .execute();
  await sql`ALTER TABLE mail_filters DROP CONSTRAINT mail_filters_action_check`.execute(db);
  await sql`ALTER TABLE mail_filters ADD CONSTRAINT mail_filters_action_check CHECK (action IN ('move', 'mark_read', 'discard', 'label'))`.execute(db);
  await sql`ALTER TABLE mail_filters ADD CONSTRAINT mail_filters_label_has_label CHECK ((action = 'label') = (label_id IS NOT NULL))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.deleteFrom('mail_filters').where('action', '=', 'label').execute();
  await sql`ALTER TABLE mail_filters DROP CONSTRAINT mail_filters_label_has_label`.execute(db);
  await sql`ALTER TABLE mail_filters DROP CONSTRAINT mail_filters_action_check`.execute(db);
  await sql`ALTER TABLE mail_filters ADD CONSTRAINT mail_filters_action_check CHECK (action IN ('move', 'mark_read', 'discard'))`.execute(db);
  await db.schema.alterTable('mail_filters').dropColumn('label_id').execute();
}
