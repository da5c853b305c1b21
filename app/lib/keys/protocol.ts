import type { KdfDescriptor, RegistrationPayload } from '@/crypto/account';

/**
 * The messages between the page and the key Worker. The page never sees wrapKey or the private key:
 * it gets authKeys (which the server receives anyway), opaque session blobs and results.
 */
export interface KeyOps {
  prepareRegistration(input: { username: string; email: string; password: string }): { payload: RegistrationPayload; phrase: string };
  activatePending(): { status: 'ok' };
  deriveLogin(input: { username: string; password: string; kdf: KdfDescriptor }): { authKey: string };
  unlock(input: { wrappedKey: string }): { status: 'ok' | 'decrypt-failed' };
  sealSession(input: { clientKey: string }): { blob: string };
  resume(input: { username: string; blob: string; clientKey: string; wrappedKey: string }): { status: 'ok' | 'decrypt-failed' };
  deriveRecovery(input: { username: string; phrase: string; kdf: KdfDescriptor }): { status: 'ok'; authKey: string } | { status: 'invalid-phrase' };
  recoverUnlock(input: { wrappedKey: string }): { status: 'ok' | 'decrypt-failed' };
  rewrapForPassword(input: { password: string }): { kdf: KdfDescriptor; authKey: string; wrappedKey: string };
  decrypt(input: { data: Uint8Array }): { status: 'ok'; data: Uint8Array } | { status: 'decrypt-failed' | 'locked'; reason: string };
  isUnlocked(): { unlocked: boolean };
  lock(): { status: 'ok' };
}

export type KeyOp = keyof KeyOps;
export type KeyRequest<K extends KeyOp = KeyOp> = { id: number; op: K; input: Parameters<KeyOps[K]>[0] };
export type KeyResponse = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
export type KeyProgress = { id: number; progress: string };
