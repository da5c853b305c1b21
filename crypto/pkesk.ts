import * as openpgp from 'openpgp';
import { readPublicKey } from './pgp';
import { readSingleKey } from './single-key';

/**
 * Checks, without decrypting anything, that a binary OpenPGP message is encrypted to a given public
 * key: the server uses it to refuse mail that a browser says it encrypted to a recipient (or to its
 * own sender) but did not. The message must be public-key encrypted session keys (PKESK) followed
 * by one encrypted data packet, and one PKESK must name a valid encryption key of the recipient.
 * A plaintext message, a password-encrypted one, or one for an anonymous (wildcard) recipient fails.
 */
export type EncryptedToResult =
  | { status: 'ok' }
  /** Not an encrypted OpenPGP message at all (literal data, signed only, password-encrypted). */
  | { status: 'not-encrypted' }
  /** Encrypted, but to none of the recipient's encryption keys. */
  | { status: 'wrong-key'; keyIds: string[] }
  /** Not parseable as OpenPGP. */
  | { status: 'unreadable' };

const PKESK = openpgp.enums.packet.publicKeyEncryptedSessionKey;
const ENCRYPTED_DATA = new Set<number>([openpgp.enums.packet.symEncryptedIntegrityProtectedData, openpgp.enums.packet.aeadEncryptedData]);

const tagOf = (packet: unknown) => (packet as { constructor: { tag: number } }).constructor.tag;

export async function checkEncryptedTo(data: Uint8Array, publicKeyArmored: string, date: Date = new Date()): Promise<EncryptedToResult> {
  let message: openpgp.Message<Uint8Array>;
  try {
    message = await openpgp.readMessage({ binaryMessage: data });
  } catch {
    // Whatever bytes these are, they are not a message anyone can check: refused, as data.
    return { status: 'unreadable' };
  }
  const packets = [...message.packets];
  const last = packets.at(-1);
  const head = packets.slice(0, -1);
  if (!last || !ENCRYPTED_DATA.has(tagOf(last)) || head.length === 0 || head.some((p) => tagOf(p) !== PKESK)) {
    return { status: 'not-encrypted' };
  }
  const key = await readPublicKey(publicKeyArmored);
  // The key IDs that the PKESK packets name (openpgp reads them from exactly those packets).
  const keyIds = message.getEncryptionKeyIDs();
  for (const keyId of keyIds) {
    if (keyId.toHex() === '0000000000000000') continue; // an anonymous recipient: unverifiable
    // getEncryptionKey(id) finds that (sub)key only if it may encrypt: not expired, revoked or sign-only.
    const match = await key.getEncryptionKey(keyId, date).then(
      () => true,
      () => false,
    );
    if (match) return { status: 'ok' };
  }
  return { status: 'wrong-key', keyIds: keyIds.map((id) => id.toHex()) };
}

/** The key carries `address` as a user ID and has a usable encryption key: what WKD and pinning need. */
export async function checkRecipientKey(
  armored: string,
  address: string,
): Promise<{ status: 'ok'; fingerprint: string } | { status: 'invalid'; reason: string }> {
  const key = await readSingleKey(armored);
  if (!key) return { status: 'invalid', reason: 'not one OpenPGP public key' };
  if (key.isPrivate()) return { status: 'invalid', reason: 'a private key, not a public key' };
  const wanted = address.toLowerCase();
  if (!key.users.some((u) => u.userID?.email.toLowerCase() === wanted)) return { status: 'invalid', reason: `the key is not for ${address}` };
  const usable = await key.getEncryptionKey().then(
    () => true,
    () => false,
  );
  if (!usable) return { status: 'invalid', reason: 'the key has no valid encryption key (expired or revoked?)' };
  return { status: 'ok', fingerprint: key.getFingerprint() };
}

/** Parses a key from binary (WKD serves binary) and armors it. */
export async function armorBinaryKey(binary: Uint8Array): Promise<string | null> {
  try {
    return (await openpgp.readKey({ binaryKey: binary })).armor();
  } catch {
    return null;
  }
}
