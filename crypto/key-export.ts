import * as openpgp from 'openpgp';
import { type PrivateKeyHandle, withUserIds } from './pgp';
import { MIN_EXPORT_PASSPHRASE } from './key-export-policy';
import { readSingleKey } from './single-key';

/**
 * Taking the key elsewhere. The unlocked key only ever leaves the key Worker locked again, under a
 * passphrase the user chose, in the form GnuPG and every OpenPGP client import: an armored
 * transferable secret key whose secret packets use iterated-and-salted S2K with AES-256 (openpgp's
 * defaults, and what `gpg --export-secret-keys` writes itself). No AEAD key protection: GnuPG 2.2
 * can't read it.
 */
export { MIN_EXPORT_PASSPHRASE };

export type ExportedKey = { status: 'ok'; armored: string } | { status: 'weak-passphrase' };

/** One key, or (a keyring's primary and older keys) several armored blocks in one file, which `gpg --import` takes whole. */
export async function exportProtectedKey(privateKey: PrivateKeyHandle | PrivateKeyHandle[], passphrase: string): Promise<ExportedKey> {
  if (passphrase.length < MIN_EXPORT_PASSPHRASE) return { status: 'weak-passphrase' };
  const keys = Array.isArray(privateKey) ? privateKey : [privateKey];
  const locked = await Promise.all(
    keys.map((key) => openpgp.encryptKey({ privateKey: key, passphrase, config: { aeadProtect: false, s2kType: openpgp.enums.s2k.iterated } })),
  );
  // One armored block per key, one after the other: gpg 2.2 refuses a single block holding two secret keys.
  return { status: 'ok', armored: locked.map((key) => key.armor()).join('\n') };
}

/** Reading a key someone brings: tagged, never thrown. */
export type BroughtKey =
  | { status: 'ok'; privateKey: PrivateKeyHandle; fingerprint: string }
  /** Not exactly one OpenPGP private key (a public key, two keys, garbage). */
  | { status: 'not-a-private-key' }
  | { status: 'wrong-passphrase' }
  /** Expired, revoked, or without a subkey that can encrypt: mail could not be sent to it. */
  | { status: 'unusable'; reason: string };

/**
 * An armored private key the user brings from GnuPG or elsewhere, unlocked with its passphrase and
 * checked like any uploaded key: one key in the block, able to encrypt now.
 */
export async function readBroughtKey(armored: string, passphrase: string, now: Date = new Date()): Promise<BroughtKey> {
  const key = await readSingleKey(armored);
  if (!key || !key.isPrivate()) return { status: 'not-a-private-key' };
  let privateKey = key as openpgp.PrivateKey;
  if (!privateKey.isDecrypted()) {
    try {
      privateKey = await openpgp.decryptKey({ privateKey, passphrase });
    } catch {
      // openpgp says only "incorrect key passphrase" here; the text would add nothing.
      return { status: 'wrong-passphrase' };
    }
  }
  try {
    await privateKey.getEncryptionKey(undefined, now);
  } catch (err) {
    return { status: 'unusable', reason: err instanceof Error ? err.message : 'no key that can encrypt' };
  }
  if (await privateKey.isRevoked(undefined, undefined, now)) return { status: 'unusable', reason: 'the key is revoked' };
  return { status: 'ok', privateKey, fingerprint: privateKey.getFingerprint() };
}

/**
 * A brought key made this account's key: the same key material and fingerprint, re-certified for
 * exactly one user ID, the account's address (what the server demands of every account key, and
 * what WKD publishes). The key's old user IDs stay with the user's other copies of it.
 */
export async function adoptKey(privateKey: PrivateKeyHandle, name: string, email: string) {
  const adopted = await withUserIds(privateKey, [{ name, email }]);
  return { privateKeyArmored: adopted.privateKey.armor(), publicKeyArmored: adopted.publicKeyArmored };
}
