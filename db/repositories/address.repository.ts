import 'server-only';
import type { Db } from '../client';
import type { AddressRow } from '../schema';

export async function findAddress(db: Db, address: string): Promise<AddressRow | undefined> {
  return db.selectFrom('addresses').selectAll().where('address', '=', address).executeTakeFirst();
}

export async function listAddressesOfUser(db: Db, userId: string): Promise<AddressRow[]> {
  return db.selectFrom('addresses').selectAll().where('user_id', '=', userId).orderBy('kind').orderBy('address').execute();
}

export async function insertAddress(
  db: Db,
  row: Pick<AddressRow, 'user_id' | 'domain_id' | 'local_part' | 'domain' | 'address' | 'kind' | 'alias_style' | 'note'>,
): Promise<AddressRow> {
  return db.insertInto('addresses').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function updateAddress(
  db: Db,
  id: string,
  userId: string,
  changes: Partial<Pick<AddressRow, 'note' | 'enabled'>>,
): Promise<AddressRow | undefined> {
  return db.updateTable('addresses').set(changes).where('id', '=', id).where('user_id', '=', userId).returningAll().executeTakeFirst();
}

export async function deleteAddress(db: Db, id: string, userId: string): Promise<AddressRow | undefined> {
  return db.deleteFrom('addresses').where('id', '=', id).where('user_id', '=', userId).returningAll().executeTakeFirst();
}

/** Makes one address the user's default (or none: the primary <username>@MAIL_DOMAIN). */
export async function setDefaultAddress(db: Db, userId: string, id: string | null): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('addresses').set({ is_default: false }).where('user_id', '=', userId).execute();
    if (id)
      await trx.updateTable('addresses').set({ is_default: true }).where('id', '=', id).where('user_id', '=', userId).where('kind', '=', 'address').execute();
  });
}

/** Counts a delivery to an alias, or a refusal of a disabled one. */
export async function countAliasDelivery(db: Db, id: string, outcome: 'received' | 'blocked'): Promise<void> {
  await db
    .updateTable('addresses')
    .set((eb) => (outcome === 'received' ? { received_count: eb('received_count', '+', 1) } : { blocked_count: eb('blocked_count', '+', 1) }))
    .where('id', '=', id)
    .execute();
}

/** The user behind an address, for WKD: the public key and which user IDs it may carry. */
export async function findPublishedKey(db: Db, address: string): Promise<{ public_key: string } | undefined> {
  return db
    .selectFrom('addresses')
    .innerJoin('users', 'users.id', 'addresses.user_id')
    .select('users.public_key')
    .where('addresses.address', '=', address)
    .where('addresses.kind', '=', 'address')
    .executeTakeFirst();
}
