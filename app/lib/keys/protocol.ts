import type { KdfDescriptor, RegistrationPayload } from '@/crypto/account';

/**
 * The messages between the page and the key Worker. The page never sees wrapKey or the private key:
 * it gets authKeys (which the server receives anyway), opaque session blobs and results.
 */
export interface KeyOps {
  prepareRegistration(input: { username: string; email: string; password: string }): { payload: RegistrationPayload; phrase: string };
  /** The same, around a key the user brought (armored, with its passphrase), checked first. */
  prepareRegistrationWithKey(input: {
    username: string;
    email: string;
    password: string;
    armoredKey: string;
    passphrase: string;
  }):
    | { status: 'ok'; payload: RegistrationPayload; phrase: string }
    | { status: 'not-a-private-key' | 'wrong-passphrase' }
    | { status: 'unusable'; reason: string };
  activatePending(): { status: 'ok' };
  deriveLogin(input: { username: string; password: string; kdf: KdfDescriptor }): { authKey: string };
  unlock(input: { wrappedKey: string }): { status: 'ok' | 'decrypt-failed' };
  sealSession(input: { clientKey: string }): { blob: string };
  resume(input: { username: string; blob: string; clientKey: string; wrappedKey: string }): { status: 'ok' | 'decrypt-failed' };
  deriveRecovery(input: { username: string; phrase: string; kdf: KdfDescriptor }): { status: 'ok'; authKey: string } | { status: 'invalid-phrase' };
  recoverUnlock(input: { wrappedKey: string }): { status: 'ok' | 'decrypt-failed' };
  rewrapForPassword(input: { password: string }): { kdf: KdfDescriptor; authKey: string; wrappedKey: string };
  decrypt(input: { data: Uint8Array }): DecryptOutcome;
  /** An ASCII-armored message: the inner layer of PGP/MIME mail. */
  decryptArmored(input: { armored: string }): DecryptOutcome;
  /** Many small messages (list summaries) in one round trip; one outcome per item, in order. */
  decryptBatch(input: { items: Uint8Array[] }): { results: DecryptOutcome[] };
  /** Encrypts parts to public keys under one session key (crypto/shared-session.ts); binary messages. */
  encryptTo(input: { parts: Uint8Array[]; publicKeys: string[] }): { parts: Uint8Array[] };
  /** The same, to this user's own key: drafts and the Sent copy. */
  encryptToSelf(input: { parts: Uint8Array[] }): { parts: Uint8Array[] };
  /** One ASCII-armored message to public keys: the inside of PGP/MIME. */
  encryptArmored(input: { data: Uint8Array; publicKeys: string[] }): { armored: string };
  /** Re-certifies the key for exactly these user IDs (one per address); returns the public key. */
  setUserIds(input: { userIds: { name: string; email: string }[] }): { publicKey: string };
  /** The authKey of a password, to prove it to the server again; changes nothing in the Worker. */
  deriveAuthKey(input: { password: string; kdf: KdfDescriptor }): { authKey: string };
  /** The unlocked key wrapped under a new password; kept aside until adoptNewPassword. */
  rewrapCurrent(input: { wrappedKey: string; password: string }): { kdf: KdfDescriptor; authKey: string; wrappedKey: string };
  /** The server took the new password: its wrapKey becomes the one sessions are sealed with. */
  adoptNewPassword(): { status: 'ok' };
  /** A new 24-word phrase and the key wrapped under it, for the server to replace the old phrase's copy. */
  newRecoveryPhrase(input: { wrappedKey: string }): { phrase: string; recovery: { kdf: KdfDescriptor; authKey: string; wrappedKey: string } };
  /** The private key, locked under a passphrase the user chose, armored for GnuPG (crypto/key-export.ts). */
  exportPrivateKey(input: { passphrase: string; withOlderKeys?: boolean }): { status: 'ok'; armored: string } | { status: 'weak-passphrase' };
  /** This user's armored public key, as the key Worker holds it. */
  exportPublicKey(): { armored: string };
  /** The keyring's fingerprints: the primary, and the older keys kept to read mail sent to them. */
  keyringInfo(): { primary: string; older: string[] };
  /**
   * A key the user brings becomes the primary (crypto/keyring.ts): checked, put in front of the
   * stored keyring, wrapped under this session's password key and under a new recovery phrase.
   * Kept aside until adoptImportedKey, once the server has stored it.
   */
  prepareKeyImport(input: { wrappedKey: string; armoredKey: string; passphrase: string; userIds: { name: string; email: string }[] }):
    | {
        status: 'ok';
        publicKey: string;
        wrappedKey: string;
        phrase: string;
        recovery: { kdf: KdfDescriptor; authKey: string; wrappedKey: string };
        fingerprint: string;
      }
    | { status: 'not-a-private-key' | 'wrong-passphrase' | 'already-yours' }
    | { status: 'unusable'; reason: string };
  adoptImportedKey(): { status: 'ok' };
  isUnlocked(): { unlocked: boolean };
  lock(): { status: 'ok' };
}

export type DecryptOutcome = { status: 'ok'; data: Uint8Array } | { status: 'decrypt-failed' | 'locked'; reason: string };

export type KeyOp = keyof KeyOps;
export type KeyRequest<K extends KeyOp = KeyOp> = { id: number; op: K; input: Parameters<KeyOps[K]>[0] };
export type KeyResponse = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: KeyErrorData };

/**
 * Why a key operation failed, for the UI to switch on:
 * - `locked`: no key is unlocked in this tab (signed out, or a reload that could not resume);
 * - `out-of-order`: a step came before the one it needs (unlock before deriveLogin);
 * - `failed`: anything else (a damaged key, a bug).
 */
export type KeyErrorCode = 'locked' | 'out-of-order' | 'failed';

/** An error as it crosses the Worker boundary: plain data, since structured clone drops an Error's own fields. */
export interface KeyErrorData {
  code: KeyErrorCode;
  message: string;
}

/** What the key Worker throws and what the page's proxy rejects with. */
export class KeyError extends Error {
  constructor(
    readonly code: KeyErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'KeyError';
  }
}

/** The data to post for an error thrown inside the Worker; an unexpected one becomes `failed`. */
export function keyErrorData(err: unknown): KeyErrorData {
  if (err instanceof KeyError) return { code: err.code, message: err.message };
  return { code: 'failed', message: err instanceof Error ? err.message : 'key operation failed' };
}

/** The page's side: the same code and message, as a KeyError again. */
export function keyErrorFrom(data: KeyErrorData): KeyError {
  return new KeyError(data.code, data.message);
}
export type KeyProgress = { id: number; progress: string };
