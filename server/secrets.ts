import 'server-only';
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { EnvError } from './env';

/**
 * Everything the server keeps secret under SECRET_KEY: purpose-bound keys derived from it (so one
 * secret never serves two uses directly), keyed hashes, and sealing at rest (AES-256-GCM) for what
 * the server must be able to read back itself: DKIM private keys, queued outgoing mail.
 *
 * This module reads no environment: each role's entry point calls configureSecrets with its parsed
 * SECRET_KEY (vitest.setup.ts does the same for tests). The key is kept on globalThis because the
 * web role's route handlers run from Next's bundle, which has its own copy of this module.
 */
const KEY = Symbol.for('sealpost.secretKey');
const holder = globalThis as { [KEY]?: string };

export function configureSecrets(secretKey: string | undefined): void {
  holder[KEY] = secretKey;
}

// Derived keys by purpose, for the SECRET_KEY they came from: the API's accept path derives two
// per request (the key hash, the seal), and an HMAC each time is measurable at 1,000 requests/s.
const derived = new Map<string, { secret: string; key: Buffer }>();

export function deriveSecret(purpose: string): Buffer {
  const secret = holder[KEY];
  if (!secret) throw new EnvError('SECRET_KEY is not set (the supervisor generates one under DATA_DIR)');
  const known = derived.get(purpose);
  if (known?.secret === secret) return known.key;
  const key = createHmac('sha256', secret).update(`sealpost:${purpose}`).digest();
  derived.set(purpose, { secret, key });
  return key;
}

export function keyedHash(purpose: string, data: string): Buffer {
  return createHmac('sha256', deriveSecret(purpose)).update(data).digest();
}

/** AES-256-GCM under a key derived from SECRET_KEY: nonce(12) || ciphertext || tag(16). */
export function sealAtRest(plaintext: string, purpose: string): Uint8Array {
  return sealBytesAtRest(Buffer.from(plaintext, 'utf8'), purpose);
}

export function openAtRest(sealed: Uint8Array, purpose: string): string {
  return openBytesAtRest(sealed, purpose).toString('utf8');
}

/** The same sealing for bytes that need not be UTF-8, such as a queued MIME message. */
export function sealBytesAtRest(plaintext: Uint8Array, purpose: string): Uint8Array {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', deriveSecret(`at-rest:${purpose}`), nonce);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]);
}

export function openBytesAtRest(sealed: Uint8Array, purpose: string): Buffer {
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  const decipher = createDecipheriv('aes-256-gcm', deriveSecret(`at-rest:${purpose}`), bytes.subarray(0, 12));
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]);
}
