import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // A full session sent back to the enrolment gate because the instance began to require 2FA and
  // its user has none. Set with second_factor_pending; lifted again if the requirement is turned off
  // (those sessions had passed sign-in), cleared when the user enrols.
  await db.schema.alterTable('sessions').addColumn('two_factor_gated_at', 'timestamptz').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sessions').dropColumn('two_factor_gated_at').execute();
}
