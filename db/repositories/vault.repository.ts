import 'server-only';
import type { Db } from '../client';

type Executor = Db;

/**
 * Stores the first ciphertext offered for (user, purpose) and returns whichever is stored: two tabs
 * that make a key at once end up with the same one.
 */
export async function putVaultKeyOnce(db: Executor, userId: string, purpose: string, ciphertext: Uint8Array): Promise<Uint8Array> {
  await db
    .insertInto('user_vault_keys')
    .values({ user_id: userId, purpose, ciphertext })
    .onConflict((oc) => oc.doNothing())
    .execute();
  const row = await db
    .selectFrom('user_vault_keys')
    .select('ciphertext')
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .executeTakeFirstOrThrow();
  return row.ciphertext;
}

export async function getVaultKey(db: Executor, userId: string, purpose: string): Promise<Uint8Array | undefined> {
  const row = await db.selectFrom('user_vault_keys').select('ciphertext').where('user_id', '=', userId).where('purpose', '=', purpose).executeTakeFirst();
  return row?.ciphertext;
}
