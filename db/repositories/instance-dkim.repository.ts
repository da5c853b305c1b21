import 'server-only';
import type { Db } from '../client';
import type { InstanceDkimKeyRow } from '../schema';

export async function findInstanceDkimKey(db: Db, domain: string): Promise<InstanceDkimKeyRow | undefined> {
  return db.selectFrom('instance_dkim_keys').selectAll().where('domain', '=', domain).executeTakeFirst();
}

/** Inserts unless another process got there first; either way returns the key that won. */
export async function insertInstanceDkimKey(
  db: Db,
  row: Pick<InstanceDkimKeyRow, 'domain' | 'selector' | 'public_key' | 'private_key'>,
): Promise<InstanceDkimKeyRow> {
  await db
    .insertInto('instance_dkim_keys')
    .values(row)
    .onConflict((oc) => oc.column('domain').doNothing())
    .execute();
  return (await findInstanceDkimKey(db, row.domain))!;
}
