import { sodium } from './sodium';

/**
 * Argon2id over the password (or the recovery entropy), split into two independent keys:
 * `authKey` proves knowledge of the password to the server; `wrapKey` never leaves the client.
 */
export interface KdfParams {
  opslimit: number;
  /** bytes */
  memlimit: number;
}

/** The floor DESIGN.md sets. Parameters below it are refused, whoever sends them. */
export const MIN_KDF: KdfParams = { opslimit: 3, memlimit: 64 * 1024 * 1024 };
/**
 * What new passwords get: 3 passes over 128 MiB. Measured at about 0.3 s in Node's WASM libsodium on
 * this 2-core machine, so twice the floor's memory costs a user little and an attacker twice as much.
 */
export const DEFAULT_KDF: KdfParams = { opslimit: 3, memlimit: 128 * 1024 * 1024 };
/** Refuse absurd parameters too: a hostile server must not make the browser allocate gigabytes. */
export const MAX_KDF: KdfParams = { opslimit: 10, memlimit: 512 * 1024 * 1024 };
export const SALT_BYTES = 16;

export interface DerivedKeys {
  authKey: Uint8Array;
  wrapKey: Uint8Array;
}

export function assertKdfParams(params: KdfParams): void {
  const inRange = (v: number, lo: number, hi: number) => Number.isInteger(v) && v >= lo && v <= hi;
  if (!inRange(params.opslimit, MIN_KDF.opslimit, MAX_KDF.opslimit) || !inRange(params.memlimit, MIN_KDF.memlimit, MAX_KDF.memlimit)) {
    throw new Error('KDF parameters out of range');
  }
}

export async function deriveKeys(secret: Uint8Array | string, salt: Uint8Array, params: KdfParams): Promise<DerivedKeys> {
  assertKdfParams(params);
  const s = await sodium();
  const master = s.crypto_pwhash(32, secret, salt, params.opslimit, params.memlimit, s.crypto_pwhash_ALG_ARGON2ID13);
  const keys = {
    authKey: s.crypto_kdf_derive_from_key(32, 1, 'sp-auth_', master),
    wrapKey: s.crypto_kdf_derive_from_key(32, 2, 'sp-wrap_', master),
  };
  s.memzero(master);
  return keys;
}
