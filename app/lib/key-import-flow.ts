'use client';
import { currentAuthKey } from './account-security-flows';
import type { Step } from './auth-flows';
import { callKeys } from './keys/key-proxy';
import type { TrpcClient } from './trpc';

/**
 * Bringing an OpenPGP key to an existing account (crypto/keyring.ts): the key Worker checks the key
 * and puts it in front of the keyring, wrapped under this session's password key and under a new
 * recovery phrase; the server checks the password and the public key and swaps what it stores.
 * Refusals the user can fix come back as data, with the field they belong to.
 */
export type KeyImportOutcome =
  | { status: 'ok'; phrase: string; fingerprint: string }
  | { status: 'refused'; field: 'armoredKey' | 'passphrase'; message: string };

const REFUSALS = {
  'not-a-private-key': { field: 'armoredKey', message: 'That is not one OpenPGP private key. Paste the whole armored private key, and only one.' },
  'wrong-passphrase': { field: 'passphrase', message: 'That passphrase does not unlock the key.' },
  'already-yours': { field: 'armoredKey', message: 'That key is already in your account.' },
  unusable: { field: 'armoredKey', message: 'That key cannot receive mail: it is expired, revoked, or has no encryption subkey.' },
} as const;

export async function importOwnKey(
  client: TrpcClient,
  input: { password: string; armoredKey: string; passphrase: string },
  onStep: Step,
): Promise<KeyImportOutcome> {
  onStep('Checking your password…');
  const proof = await currentAuthKey(client, input.password);
  onStep('Checking your key…');
  const [keyring, current] = await Promise.all([client.account.keyring.query(), client.addresses.publicKey.query()]);
  const prepared = await callKeys(
    'prepareKeyImport',
    { wrappedKey: keyring.wrappedKey, armoredKey: input.armoredKey, passphrase: input.passphrase, userIds: current.userIds },
    (step) => step === 'recovery' && onStep('Creating your new recovery phrase…'),
  );
  if (prepared.status !== 'ok') {
    const refusal = REFUSALS[prepared.status];
    return { status: 'refused', field: refusal.field, message: 'reason' in prepared ? `${refusal.message} (${prepared.reason})` : refusal.message };
  }
  onStep('Saving…');
  await client.security.importKey.mutate({
    currentAuthKey: proof,
    publicKey: prepared.publicKey,
    wrappedKey: prepared.wrappedKey,
    recovery: prepared.recovery,
  });
  await callKeys('adoptImportedKey', undefined);
  window.dispatchEvent(new Event(KEYRING_CHANGED));
  return { status: 'ok', phrase: prepared.phrase, fingerprint: prepared.fingerprint };
}

/** Sent on window when this tab's keyring changed, for views that describe it. */
export const KEYRING_CHANGED = 'sealpost:keyring-changed';
