import { expect } from 'vitest';
import { createKeyState } from '../app/lib/keys/key-state';
import { toBase64 } from '../crypto';
import type { Db } from '../db/client';
import type { TestUser } from './factories';

/**
 * The key Worker's own state (app/lib/keys/key-state.ts) run in Node and unlocked the way the
 * browser signs in: Argon2id over the password, then the stored wrapped key unwrapped.
 */
export async function unlockedKeyState(db: Db, user: TestUser) {
  const state = createKeyState();
  const row = await db.selectFrom('users').selectAll().where('id', '=', user.account.id).executeTakeFirstOrThrow();
  await state.deriveLogin({
    username: user.username,
    password: user.password,
    kdf: { salt: toBase64(row.kdf_salt), opslimit: row.kdf_opslimit, memlimit: row.kdf_memlimit },
  });
  expect((await state.unlock({ wrappedKey: toBase64(row.wrapped_key) })).status).toBe('ok');
  return state;
}
