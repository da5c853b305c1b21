'use client';
import { callKeys } from './keys/key-proxy';
import { signOutEverywhere } from './auth-flows';
import type { TrpcClient } from './trpc';

/**
 * Self-service deletion: the browser derives the password's authKey (the password never leaves
 * it), the server checks it and deletes the account, then this browser forgets its session.
 */
export async function deleteOwnAccount(client: TrpcClient, username: string, password: string, onStep: (label: string) => void): Promise<void> {
  onStep('Checking your password…');
  const { challenge: _challenge, ...kdf } = await client.auth.preLogin.mutate({ username });
  const { authKey } = await callKeys('deriveLogin', { username, password, kdf });
  onStep('Deleting your account…');
  await client.account.deleteAccount.mutate({ authKey });
  await signOutEverywhere();
}
