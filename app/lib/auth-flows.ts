'use client';
import { signIn as nextAuthSignIn, signOut as nextAuthSignOut } from 'next-auth/react';
import type { RegistrationPayload } from '@/crypto/account';
import { callKeys, sessionBlob } from './keys/key-proxy';
import { checkingLabel, solveChallenge } from './proof-of-work/solve';
import type { TrpcClient } from './trpc';
import { forgetVaultSecrets } from './conversations/vault-secret';

/**
 * The multi-step browser flows of DESIGN.md "Keys and login", kept out of components so each step
 * reads in order. Each function reports progress through `onStep` for the page's indicator.
 */
export type Step = (label: string) => void;

async function establishSession(client: TrpcClient, username: string, authKey: string, proof?: string) {
  const result = await nextAuthSignIn('credentials', { username, authKey, redirect: false, ...(proof && { proof }) });
  if (!result || result.error) throw new Error(result?.error ?? 'Sign-in failed. Try again.');
}

async function sealAfterUnlock(client: TrpcClient) {
  const keyring = await client.account.keyring.query();
  const { blob } = await callKeys('sealSession', { clientKey: keyring.clientKey });
  sessionBlob.save(blob);
}

/**
 * What sign-in needs after the password: nothing (the mailbox is unlocked), a second factor, or
 * (the server requires 2FA and the account has none) enrolment. The Worker keeps the password's
 * wrapKey meanwhile; finishSignIn unlocks the key once the server hands it out.
 */
export type AfterPassword = { next: 'done' } | { next: 'verify'; totp: boolean; passkey: boolean } | { next: 'enrol' };

export async function signInWithPassword(client: TrpcClient, username: string, password: string, onStep: Step): Promise<AfterPassword> {
  onStep('Deriving your key from your password…');
  const { challenge, ...kdf } = await client.auth.preLogin.mutate({ username });
  const { authKey } = await callKeys('deriveLogin', { username, password, kdf });
  // After failed sign-ins to this username (by anyone), the server wants a proof of work first.
  const proof = challenge ? await solveChallenge(challenge, (fraction) => onStep(checkingLabel(fraction))) : undefined;
  onStep('Signing in…');
  await establishSession(client, username, authKey, proof);
  const stage = await client.security.signInStage.query({});
  if (stage.stage === 'verify') return { next: 'verify', totp: stage.totp, passkey: stage.passkey };
  if (stage.stage === 'enrol') return { next: 'enrol' };
  await finishSignIn(client, onStep);
  return { next: 'done' };
}

/** Both factors passed: fetch the wrapped key, unwrap it in the Worker, seal it for reloads. */
export async function finishSignIn(client: TrpcClient, onStep: Step) {
  onStep('Unlocking your mailbox…');
  const keyring = await client.account.keyring.query();
  const unlocked = await callKeys('unlock', { wrappedKey: keyring.wrappedKey });
  if (unlocked.status !== 'ok') {
    await signOutEverywhere();
    throw new Error('Your key could not be unlocked with this password.');
  }
  const { blob } = await callKeys('sealSession', { clientKey: keyring.clientKey });
  sessionBlob.save(blob);
}

export async function prepareAccount(
  username: string,
  email: string,
  password: string,
  onStep: Step,
  existingKey?: { armoredKey: string; passphrase: string },
) {
  const labels: Record<string, string> = {
    keys: existingKey ? 'Checking your key…' : 'Generating your encryption keys…',
    password: 'Protecting them with your password…',
    recovery: 'Creating your recovery phrase…',
  };
  if (!existingKey) return callKeys('prepareRegistration', { username, email, password }, (step) => onStep(labels[step] ?? step));
  const result = await callKeys('prepareRegistrationWithKey', { username, email, password, ...existingKey }, (step) => onStep(labels[step] ?? step));
  if (result.status === 'ok') return result;
  throw new Error(BROUGHT_KEY_ERRORS[result.status] + ('reason' in result ? ` (${result.reason})` : ''));
}

const BROUGHT_KEY_ERRORS = {
  'not-a-private-key': 'That is not one OpenPGP private key. Paste the whole armored private key, and only one.',
  'wrong-passphrase': 'That passphrase does not unlock the key.',
  unusable: 'That key cannot be used to receive mail: it is expired, revoked, or has no encryption subkey.',
} as const;

export async function createAccount(client: TrpcClient, payload: RegistrationPayload, invite: string | undefined, onStep: Step) {
  const challenge = await client.auth.registrationChallenge.mutate({});
  const proof = await solveChallenge(challenge, (fraction) => onStep(checkingLabel(fraction)));
  onStep('Creating your account…');
  await client.auth.register.mutate({ ...payload, proof, ...(invite && { invite }) });
  onStep('Signing in…');
  await establishSession(client, payload.username, payload.authKey);
  await callKeys('activatePending', undefined);
  await sealAfterUnlock(client);
}

export async function recoverAccount(client: TrpcClient, username: string, phrase: string, newPassword: string, onStep: Step) {
  onStep('Checking your recovery phrase…');
  const kdf = await client.auth.recoveryParams.mutate({ username });
  const derived = await callKeys('deriveRecovery', { username, phrase, kdf });
  if (derived.status !== 'ok') throw new Error('That is not a valid 24-word recovery phrase. Check each word.');
  const { wrappedKey } = await client.auth.recoveryUnlock.mutate({ username, recoveryAuthKey: derived.authKey });
  const unlocked = await callKeys('recoverUnlock', { wrappedKey });
  if (unlocked.status !== 'ok') throw new Error('That recovery phrase does not match this username.');
  onStep('Protecting your key with the new password…');
  const next = await callKeys('rewrapForPassword', { password: newPassword });
  onStep('Saving…');
  await client.auth.recoveryReset.mutate({ username, recoveryAuthKey: derived.authKey, ...next });
  onStep('Signing in…');
  await establishSession(client, username, next.authKey);
  await callKeys('activatePending', undefined);
  await sealAfterUnlock(client);
}

/** After a reload: unseal wrapKey with this session's client key, then unwrap the private key. */
export async function resumeSession(client: TrpcClient): Promise<'ok' | 'no-blob' | 'failed'> {
  if ((await callKeys('isUnlocked', undefined)).unlocked) return 'ok';
  const blob = sessionBlob.load();
  if (!blob) return 'no-blob';
  const keyring = await client.account.keyring.query();
  const result = await callKeys('resume', { username: keyring.username, blob, clientKey: keyring.clientKey, wrappedKey: keyring.wrappedKey });
  return result.status === 'ok' ? 'ok' : 'failed';
}

export async function signOutEverywhere() {
  sessionBlob.clear();
  forgetVaultSecrets();
  await callKeys('lock', undefined).catch(() => undefined);
  await nextAuthSignOut({ redirect: false });
}
