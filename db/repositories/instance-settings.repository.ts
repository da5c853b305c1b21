import 'server-only';
import type { Db } from '../client';

/**
 * Instance-wide settings an admin changes at run time. Keys are owned by the services that read
 * them (for example `registration_policy`, `require_two_factor`); each service validates the value
 * it reads, because a row may predate a change of shape.
 */
export async function readInstanceSetting(db: Db, key: string): Promise<unknown | undefined> {
  const row = await db.selectFrom('instance_settings').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}

export async function writeInstanceSetting(db: Db, key: string, value: unknown, by: string | null, now: Date): Promise<void> {
  const json = JSON.stringify(value);
  await db
    .insertInto('instance_settings')
    .values({ key, value: json, updated_at: now, updated_by: by })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: json, updated_at: now, updated_by: by }))
    .execute();
}

/** Back to the environment's default. */
export async function clearInstanceSetting(db: Db, key: string): Promise<void> {
  await db.deleteFrom('instance_settings').where('key', '=', key).execute();
}
