import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * The server's slow hash of `authKey` (and of the recovery authKey). scrypt runs on libuv's thread
 * pool, so a sign-in burst doesn't stall the event loop the way WASM Argon2 would. A stolen hash
 * still needs a full Argon2id evaluation in front of it for every password guess.
 */
const N = 1 << 15;
const r = 8;
const p = 1;
const KEY_BYTES = 32;

function derive(secret: Uint8Array, salt: Uint8Array, params = { N, r, p }): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(secret, salt, KEY_BYTES, { ...params, maxmem: 128 * params.N * params.r * 2 }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashSecret(secret: Uint8Array): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(secret, salt);
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifySecret(encoded: string, secret: Uint8Array): Promise<boolean> {
  const [scheme, n, rr, pp, salt, expected] = encoded.split('$');
  if (scheme !== 'scrypt' || !salt || !expected) return false;
  const key = await derive(secret, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(rr), p: Number(pp) });
  const want = Buffer.from(expected, 'base64');
  return want.length === key.length && timingSafeEqual(want, key);
}
