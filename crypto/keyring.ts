import * as openpgp from 'openpgp';
import { concatBytes, toBase64, utf8 } from './encoding';
import { readBroughtKey } from './key-export';
import { type PrivateKeyHandle, withUserIds } from './pgp';
import { prepareRecovery } from './account';
import { purposes, wrap } from './wrap';

/**
 * An account's keyring: one armored PRIVATE KEY BLOCK holding the primary key first, then the keys
 * it replaced (newest first), kept so mail that arrived before a switch still decrypts. The whole
 * block is what gets wrapped under the password and under the recovery phrase, so every re-wrap
 * (password change, reset, new phrase) covers every key by construction. A block with one key is
 * the keyring every account had before keys could be replaced: no migration.
 */
export async function readKeyring(armored: string): Promise<PrivateKeyHandle[]> {
  return openpgp.readPrivateKeys({ armoredKeys: armored });
}

export function armorKeyring(keys: PrivateKeyHandle[]): string {
  return openpgp.armor(openpgp.enums.armor.privateKey, concatBytes(...keys.map((key) => key.write())));
}

export type KeyImport =
  | {
      status: 'ok';
      /** The new primary, re-certified for exactly the account's addresses: what WKD will publish. */
      publicKey: string;
      /** The new keyring under the same password-derived key: no Argon2id run, no new password. */
      wrappedKey: string;
      /** A new phrase over the new keyring; the old phrase's copy lacks the new key. */
      phrase: string;
      recovery: Awaited<ReturnType<typeof prepareRecovery>>['recovery'];
      keyringArmored: string;
      fingerprint: string;
    }
  | { status: 'not-a-private-key' | 'wrong-passphrase' | 'already-yours' }
  | { status: 'unusable'; reason: string };

/**
 * A key the user brings to an existing account becomes its primary. It is checked as at sign-up
 * (one private key, unlocked by its passphrase, able to encrypt now), carries one user ID per
 * address, and goes in front of the current keyring, which stays whole.
 */
export async function prepareKeyImport(input: {
  username: string;
  currentKeyring: string;
  wrapKey: Uint8Array;
  armoredKey: string;
  passphrase: string;
  userIds: { name: string; email: string }[];
  onProgress?: (step: 'recovery') => void;
}): Promise<KeyImport> {
  const brought = await readBroughtKey(input.armoredKey, input.passphrase);
  if (brought.status !== 'ok') return brought;
  const current = await readKeyring(input.currentKeyring);
  if (current.some((key) => key.getFingerprint() === brought.fingerprint)) return { status: 'already-yours' };
  const adopted = await withUserIds(brought.privateKey, input.userIds);
  const keyringArmored = armorKeyring([adopted.privateKey, ...current]);
  const wrapped = await wrap(utf8(keyringArmored), input.wrapKey, purposes.privateKey(input.username));
  input.onProgress?.('recovery');
  const { phrase, recovery } = await prepareRecovery(input.username, keyringArmored);
  return {
    status: 'ok',
    publicKey: adopted.publicKeyArmored,
    wrappedKey: toBase64(wrapped),
    phrase,
    recovery,
    keyringArmored,
    fingerprint: brought.fingerprint,
  };
}
