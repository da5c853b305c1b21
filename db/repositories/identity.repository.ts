import 'server-only';
import type { Db } from '../client';
import type { SendingIdentityRow } from '../identity-schema';

export async function listIdentitiesOfUser(db: Db, userId: string): Promise<SendingIdentityRow[]> {
  return db.selectFrom('sending_identities').selectAll().where('user_id', '=', userId).orderBy('address').execute();
}

export async function upsertIdentity(db: Db, row: { user_id: string; address: string; ciphertext: Uint8Array; updated_at: Date }): Promise<SendingIdentityRow> {
  return db
    .insertInto('sending_identities')
    .values(row)
    .onConflict((oc) => oc.columns(['user_id', 'address']).doUpdateSet({ ciphertext: row.ciphertext, updated_at: row.updated_at }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteIdentity(db: Db, userId: string, address: string): Promise<boolean> {
  const result = await db.deleteFrom('sending_identities').where('user_id', '=', userId).where('address', '=', address).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
