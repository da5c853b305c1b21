import 'server-only';
import { createCipheriv, createDecipheriv, generateKeyPair, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { deriveSecret } from '../secrets';

const generate = promisify(generateKeyPair);

/** A per-domain RSA-2048 DKIM key: the public half for the DNS record, the private half to sign. */
export async function generateDkimKey(): Promise<{ publicKey: string; privateKeyPem: string }> {
  const { publicKey, privateKey } = await generate('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'der' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKey: (publicKey as Buffer).toString('base64'), privateKeyPem: privateKey as string };
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
