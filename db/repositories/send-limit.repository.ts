import type { Db } from '../client';

// Db is Kysely<Database>; a Transaction<Database> is one too, so every function here runs in either.
type Executor = Db;

export async function findSendLimits(db: Executor, userId: string): Promise<{ per_hour: number | null; per_day: number | null } | undefined> {
  return db.selectFrom('send_limits').select(['per_hour', 'per_day']).where('user_id', '=', userId).executeTakeFirst();
}

/** Sets (or, with both null, clears) a user's overrides. */
export async function upsertSendLimits(db: Executor, userId: string, limits: { per_hour: number | null; per_day: number | null }, now: Date): Promise<void> {
  if (limits.per_hour === null && limits.per_day === null) {
    await db.deleteFrom('send_limits').where('user_id', '=', userId).execute();
    return;
  }
  await db
    .insertInto('send_limits')
    .values({ user_id: userId, ...limits, updated_at: now })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ ...limits, updated_at: now }))
    .execute();
}
