import 'server-only';
import type { Db } from '../client';
import type { NewUserRow, UserRow } from '../schema';

// Db is Kysely<Database>; a Transaction<Database> is one too, so every function here runs in either.
type Executor = Db;

export async function insertUser(db: Executor, row: NewUserRow): Promise<UserRow> {
  return db.insertInto('users').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findUserByUsername(db: Executor, username: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
}

export async function findUserById(db: Executor, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function usernameExists(db: Executor, username: string): Promise<boolean> {
  const row = await db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();
  return row !== undefined;
}

export async function updatePasswordMaterial(
  db: Executor,
  userId: string,
  material: Pick<UserRow, 'kdf_salt' | 'kdf_opslimit' | 'kdf_memlimit' | 'auth_hash' | 'wrapped_key'>,
): Promise<void> {
  await db
    .updateTable('users')
    .set({ ...material, updated_at: new Date() })
    .where('id', '=', userId)
    .execute();
}

export async function updatePublicKey(db: Executor, userId: string, publicKey: string): Promise<void> {
  await db.updateTable('users').set({ public_key: publicKey, updated_at: new Date() }).where('id', '=', userId).execute();
}
