'use client';
import {
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  startAuthentication,
  startRegistration,
} from '@simplewebauthn/browser';
import { callKeys, sessionBlob } from './keys/key-proxy';
import type { Step } from './auth-flows';
import type { TrpcClient } from './trpc';

/**
 * The browser's half of account security: the key Worker proves the current password and re-wraps
 * the unlocked key; the server only swaps what it stores. Also the second factor's ceremonies.
 */
export async function currentAuthKey(client: TrpcClient, password: string): Promise<string> {
  const kdf = await client.security.passwordKdf.query();
  return (await callKeys('deriveAuthKey', { password, kdf })).authKey;
}

/** Old password proven, key re-wrapped under the new one, this tab re-sealed; other sessions end on the server. */
export async function changePassword(client: TrpcClient, current: string, next: string, onStep: Step): Promise<{ otherSessionsEnded: number }> {
  onStep('Checking your current password…');
  const proof = await currentAuthKey(client, current);
  onStep('Protecting your key with the new password…');
  const keyring = await client.account.keyring.query();
  const payload = await callKeys('rewrapCurrent', { wrappedKey: keyring.wrappedKey, password: next });
  onStep('Saving…');
  const result = await client.security.changePassword.mutate({ currentAuthKey: proof, ...payload });
  await callKeys('adoptNewPassword', undefined);
  const { blob } = await callKeys('sealSession', { clientKey: keyring.clientKey });
  sessionBlob.save(blob);
  return result;
}

/** A new 24-word phrase; the old one stops working once the server has the new wrap. */
export async function issueRecoveryPhrase(client: TrpcClient, password: string, onStep: Step): Promise<string> {
  onStep('Checking your password…');
  const proof = await currentAuthKey(client, password);
  onStep('Creating your new recovery phrase…');
  const keyring = await client.account.keyring.query();
  const { phrase, recovery } = await callKeys('newRecoveryPhrase', { wrappedKey: keyring.wrappedKey });
  onStep('Saving…');
  await client.security.replaceRecoveryPhrase.mutate({ currentAuthKey: proof, recovery });
  return phrase;
}

export async function turnOffTotp(client: TrpcClient, password: string): Promise<void> {
  const proof = await currentAuthKey(client, password);
  await client.security.totpDisable.mutate({ currentAuthKey: proof });
}

/** Creates a passkey on this device and registers it; returns recovery codes when it is the first factor. */
export async function addPasskey(client: TrpcClient, name: string): Promise<{ recoveryCodes: string[] | null }> {
  // tRPC's JSON types lose the library's nominal ones; the object is the server library's own.
  const optionsJSON = (await client.security.passkeyRegisterOptions.mutate({})) as unknown as PublicKeyCredentialCreationOptionsJSON;
  const response = await startRegistration({ optionsJSON });
  return client.security.passkeyRegisterFinish.mutate({ response, name });
}

/** Sign-in, second step, with a passkey. */
export async function verifyWithPasskey(client: TrpcClient): Promise<void> {
  const optionsJSON = (await client.security.passkeyLoginOptions.mutate({})) as unknown as PublicKeyCredentialRequestOptionsJSON;
  const response = await startAuthentication({ optionsJSON });
  await client.security.passkeyLoginVerify.mutate({ response });
}

/** A passkey prompt the user closed or that timed out: a sentence, not a DOMException name. */
export function passkeyErrorMessage(err: unknown): string | null {
  const name = (err as { name?: string } | null)?.name;
  if (name === 'NotAllowedError' || name === 'AbortError') return 'The passkey prompt was closed or timed out. Try again.';
  if (name === 'InvalidStateError') return 'This device already holds a passkey for this account.';
  return null;
}
