import 'server-only';
import type { Db } from '../../db/client';
import { getVaultKey, putVaultKeyOnce } from '../../db/repositories/vault.repository';

/**
 * Keys the browser keeps for itself across devices, each encrypted in the browser to the user's own
 * OpenPGP key: the server stores and returns ciphertext, and can't open it.
 */
export const VAULT_PURPOSES = ['conversation', 'search-index'] as const;
export type VaultPurpose = (typeof VAULT_PURPOSES)[number];

/** The largest ciphertext accepted: a 32-byte key in an OpenPGP message is a few hundred bytes. */
export const VAULT_MAX_BYTES = 4096;

const base64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

export async function readVaultKey(db: Db, userId: string, purpose: VaultPurpose): Promise<{ ciphertext: string | null }> {
  const stored = await getVaultKey(db, userId, purpose);
  return { ciphertext: stored ? base64(stored) : null };
}

/** Keeps the first key offered; a second tab that raced gets the stored one back and uses that. */
export async function offerVaultKey(db: Db, userId: string, purpose: VaultPurpose, ciphertext: string): Promise<{ ciphertext: string }> {
  return { ciphertext: base64(await putVaultKeyOnce(db, userId, purpose, Buffer.from(ciphertext, 'base64'))) };
}
