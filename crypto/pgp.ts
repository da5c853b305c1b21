import * as openpgp from 'openpgp';

/**
 * OpenPGP operations. Private keys stay behind the `PrivateKey` objects that only the crypto
 * facade (the browser's Worker, or the CLI) holds.
 */
export type PrivateKeyHandle = openpgp.PrivateKey;

/** Decryption never accepts unauthenticated data and bounds what a compressed packet may expand to. */
export const DECRYPT_CONFIG = {
  allowUnauthenticatedMessages: false,
  allowUnauthenticatedStream: false,
  maxDecompressedMessageSize: 64 * 1024 * 1024,
} as const;

/** An OpenPGP v4 key, ed25519 for signing with a cv25519 encryption subkey: GnuPG 2.2+ reads it. */
export async function generateUserKey(name: string, email: string) {
  const { privateKey, publicKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name, email }],
    format: 'armored',
    config: { v6Keys: false },
  });
  return { privateKeyArmored: privateKey, publicKeyArmored: publicKey };
}

export async function readPrivateKey(armored: string): Promise<PrivateKeyHandle> {
  return openpgp.readPrivateKey({ armoredKey: armored });
}

const publicKeyCache = new Map<string, Promise<openpgp.Key>>();

/** Parsing a key costs more than encrypting a small message, so parsed keys are kept (bounded). */
export function readPublicKey(armored: string): Promise<openpgp.Key> {
  let key = publicKeyCache.get(armored);
  if (!key) {
    if (publicKeyCache.size >= 1000) publicKeyCache.delete(publicKeyCache.keys().next().value!);
    key = openpgp.readKey({ armoredKey: armored });
    key.catch(() => publicKeyCache.delete(armored));
    publicKeyCache.set(armored, key);
  }
  return key;
}

/** Encrypts bytes to one or more public keys; returns a binary OpenPGP message. */
export async function encryptBytes(data: Uint8Array, publicKeysArmored: string[]): Promise<Uint8Array> {
  const encryptionKeys = await Promise.all(publicKeysArmored.map(readPublicKey));
  const message = await openpgp.createMessage({ binary: data, format: 'binary' });
  return openpgp.encrypt({ message, encryptionKeys, format: 'binary' }) as Promise<Uint8Array>;
}

export type DecryptResult = { status: 'ok'; data: Uint8Array } | { status: 'decrypt-failed'; reason: string };

/** With several keys (an account's keyring), openpgp picks the one the message names by key id. */
export async function decryptBytes(data: Uint8Array, privateKey: PrivateKeyHandle | PrivateKeyHandle[]): Promise<DecryptResult> {
  try {
    const message = await openpgp.readMessage({ binaryMessage: data });
    const { data: plain } = await openpgp.decrypt({
      message,
      decryptionKeys: privateKey,
      format: 'binary',
      config: DECRYPT_CONFIG,
    });
    return { status: 'ok', data: plain as Uint8Array };
  } catch (err) {
    return { status: 'decrypt-failed', reason: err instanceof Error ? err.message : 'unknown error' };
  }
}

export async function fingerprintOf(armoredKey: string): Promise<string> {
  return (await readPublicKey(armoredKey)).getFingerprint();
}

/**
 * The same key (same material, same fingerprint) re-certified for exactly these user IDs: one per
 * address. Mail encrypted to the old public key still decrypts with the result.
 */
export async function withUserIds(privateKey: PrivateKeyHandle, userIDs: { name: string; email: string }[]) {
  const result = await openpgp.reformatKey({ privateKey, userIDs, format: 'object' });
  return { privateKey: result.privateKey, publicKeyArmored: result.publicKey.armor() };
}
