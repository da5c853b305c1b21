'use client';
import { fromBase64, toBase64 } from '@/crypto/encoding';
import { callKeys } from '../keys/key-proxy';
import type { TrpcClient } from '../trpc';

/**
 * Secrets this user's browsers share, each 32 random bytes encrypted to the user's own OpenPGP key
 * and kept by the server as ciphertext (conversations.vaultKey): the conversation HMAC key and the
 * search index key. Only a tab with the unlocked private key can open them. Held in this tab's
 * memory once opened, and forgotten at sign-out.
 */
export type VaultPurpose = 'conversation' | 'search-index';

const opened = new Map<VaultPurpose, Promise<Uint8Array>>();

export function vaultSecret(client: TrpcClient, purpose: VaultPurpose): Promise<Uint8Array> {
  let secret = opened.get(purpose);
  if (!secret) {
    secret = openOrCreate(client, purpose);
    // A failure (locked key, network) is not remembered: the next call tries again.
    secret.catch(() => opened.delete(purpose));
    opened.set(purpose, secret);
  }
  return secret;
}

async function openOrCreate(client: TrpcClient, purpose: VaultPurpose): Promise<Uint8Array> {
  let { ciphertext } = await client.conversations.vaultKey.query({ purpose });
  if (!ciphertext) {
    const fresh = crypto.getRandomValues(new Uint8Array(32));
    const { parts } = await callKeys('encryptToSelf', { parts: [fresh] });
    // Another tab may have offered one first: the server answers with whichever it kept.
    ciphertext = (await client.conversations.offerVaultKey.mutate({ purpose, ciphertext: toBase64(parts[0]!) })).ciphertext;
  }
  const outcome = await callKeys('decrypt', { data: fromBase64(ciphertext) });
  if (outcome.status !== 'ok' || outcome.data.length !== 32) throw new Error('Your conversation and search keys could not be opened. Sign in again.');
  return outcome.data;
}

/** What else holds something opened with these secrets (the search index) and must drop it too. */
export const onForget = new Set<() => void>();

/** Sign-out: this tab no longer holds any of them, nor anything opened with them. */
export function forgetVaultSecrets(): void {
  opened.clear();
  for (const forget of onForget) forget();
}
