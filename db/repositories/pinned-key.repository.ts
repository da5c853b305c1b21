import 'server-only';
import type { Db } from '../client';
import type { PinnedKeyRow } from '../schema';

export async function listPinnedKeys(db: Db, userId: string): Promise<PinnedKeyRow[]> {
  return db.selectFrom('pinned_keys').selectAll().where('user_id', '=', userId).orderBy('address').execute();
}

export async function findPinnedKeys(db: Db, userId: string, addresses: string[]): Promise<PinnedKeyRow[]> {
  if (addresses.length === 0) return [];
  return db.selectFrom('pinned_keys').selectAll().where('user_id', '=', userId).where('address', 'in', addresses).execute();
}

/** Pins a key for an address, replacing the one pinned before. */
export async function upsertPinnedKey(db: Db, row: Pick<PinnedKeyRow, 'user_id' | 'address' | 'public_key' | 'fingerprint'>): Promise<PinnedKeyRow> {
  return db
    .insertInto('pinned_keys')
    .values(row)
    .onConflict((oc) => oc.columns(['user_id', 'address']).doUpdateSet({ public_key: row.public_key, fingerprint: row.fingerprint }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deletePinnedKey(db: Db, userId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('pinned_keys').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
