import 'server-only';
import { sql } from 'kysely';
import type { Db } from '../client';
import type { ContactRow } from '../contacts-schema';

export async function listContacts(db: Db, userId: string): Promise<ContactRow[]> {
  return db.selectFrom('contacts').selectAll().where('user_id', '=', userId).orderBy('created_at').orderBy('id').execute();
}

export async function countContacts(db: Db, userId: string): Promise<number> {
  const row = await db.selectFrom('contacts').select(sql<string>`count(*)`.as('n')).where('user_id', '=', userId).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Stores several contacts in one statement (an import), returning them in the order given. */
export async function insertContacts(db: Db, userId: string, ciphertexts: Uint8Array[]): Promise<ContactRow[]> {
  if (ciphertexts.length === 0) return [];
  const rows = await db
    .insertInto('contacts')
    .values(ciphertexts.map((ciphertext) => ({ user_id: userId, ciphertext })))
    .returningAll()
    .execute();
  return rows;
}

export async function updateContact(db: Db, userId: string, id: string, ciphertext: Uint8Array): Promise<ContactRow | undefined> {
  return db
    .updateTable('contacts')
    .set({ ciphertext, updated_at: new Date() })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteContacts(db: Db, userId: string, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db.deleteFrom('contacts').where('user_id', '=', userId).where('id', 'in', ids).executeTakeFirst();
  return Number(result.numDeletedRows);
}
