import { concatBytes, randomBytes, utf8 } from './encoding';
import { sodium } from './sodium';

/**
 * XChaCha20-Poly1305 with a random 24-byte nonce, stored as nonce || ciphertext. The associated
 * data binds a blob to its purpose, so a key wrapped for one use can't be replayed as another.
 */
const NONCE_BYTES = 24;

export async function wrap(plaintext: Uint8Array, key: Uint8Array, purpose: string): Promise<Uint8Array> {
  const s = await sodium();
  const nonce = randomBytes(NONCE_BYTES);
  const sealed = s.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, utf8(purpose), null, nonce, key);
  return concatBytes(nonce, sealed);
}

export type UnwrapResult = { status: 'ok'; plaintext: Uint8Array } | { status: 'decrypt-failed' };

export async function unwrap(blob: Uint8Array, key: Uint8Array, purpose: string): Promise<UnwrapResult> {
  const s = await sodium();
  if (blob.length <= NONCE_BYTES) return { status: 'decrypt-failed' };
  try {
    const plaintext = s.crypto_aead_xchacha20poly1305_ietf_decrypt(null, blob.subarray(NONCE_BYTES), utf8(purpose), blob.subarray(0, NONCE_BYTES), key);
    return { status: 'ok', plaintext };
  } catch {
    // libsodium throws on a failed tag check: that is the expected wrong-key outcome, not a bug.
    return { status: 'decrypt-failed' };
  }
}

export const purposes = {
  privateKey: (username: string) => `sealpost/v1/private-key/${username}`,
  recoveryKey: (username: string) => `sealpost/v1/recovery-key/${username}`,
  sessionWrapKey: 'sealpost/v1/session-wrap-key',
} as const;
