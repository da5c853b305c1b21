import { DEFAULT_KDF, type KdfParams, SALT_BYTES, deriveKeys } from './kdf';
import { fromBase64, fromUtf8, randomBytes, toBase64, utf8 } from './encoding';
import { adoptKey } from './key-export';
import { type PrivateKeyHandle, generateUserKey } from './pgp';
import { newRecoveryPhrase, phraseToEntropy } from './recovery';
import { purposes, unwrap, wrap } from './wrap';

/**
 * Account key material, as the browser and the CLI both make it. Everything in the payloads below
 * may be sent to the server; wrapKey and the private key never are.
 */
export interface KdfDescriptor extends KdfParams {
  salt: string; // base64
}

export interface RegistrationPayload {
  username: string;
  kdf: KdfDescriptor;
  authKey: string;
  publicKey: string;
  wrappedKey: string;
  recovery: { kdf: KdfDescriptor; authKey: string; wrappedKey: string };
}

export interface PreparedRegistration {
  payload: RegistrationPayload;
  phrase: string;
  wrapKey: Uint8Array;
  privateKeyArmored: string;
}

async function wrapUnderSecret(secret: Uint8Array | string, privateKeyArmored: string, purpose: string, params = DEFAULT_KDF) {
  const salt = randomBytes(SALT_BYTES);
  const keys = await deriveKeys(secret, salt, params);
  const wrapped = await wrap(utf8(privateKeyArmored), keys.wrapKey, purpose);
  return {
    kdf: { salt: toBase64(salt), ...params },
    authKey: toBase64(keys.authKey),
    wrappedKey: toBase64(wrapped),
    wrapKey: keys.wrapKey,
  };
}

export async function prepareRegistration(input: {
  username: string;
  email: string;
  password: string;
  /** A key the user brought (crypto/key-export.ts readBroughtKey), instead of a new one. */
  existingKey?: PrivateKeyHandle;
  onProgress?: (step: 'keys' | 'password' | 'recovery') => void;
}): Promise<PreparedRegistration> {
  input.onProgress?.('keys');
  const { privateKeyArmored, publicKeyArmored } = input.existingKey
    ? await adoptKey(input.existingKey, input.username, input.email)
    : await generateUserKey(input.username, input.email);
  input.onProgress?.('password');
  const main = await wrapUnderSecret(input.password, privateKeyArmored, purposes.privateKey(input.username));
  input.onProgress?.('recovery');
  const { phrase, entropy } = newRecoveryPhrase();
  const recovery = await wrapUnderSecret(entropy, privateKeyArmored, purposes.recoveryKey(input.username));
  return {
    payload: {
      username: input.username,
      kdf: main.kdf,
      authKey: main.authKey,
      publicKey: publicKeyArmored,
      wrappedKey: main.wrappedKey,
      recovery: { kdf: recovery.kdf, authKey: recovery.authKey, wrappedKey: recovery.wrappedKey },
    },
    phrase,
    wrapKey: main.wrapKey,
    privateKeyArmored,
  };
}

export async function deriveFromPassword(password: string, kdf: KdfDescriptor) {
  const keys = await deriveKeys(password, fromBase64(kdf.salt), kdf);
  return { authKey: toBase64(keys.authKey), wrapKey: keys.wrapKey };
}

export type UnlockResult = { status: 'ok'; privateKeyArmored: string } | { status: 'decrypt-failed' };

export async function unlockWrappedKey(wrappedKey: string, wrapKey: Uint8Array, purpose: string): Promise<UnlockResult> {
  const result = await unwrap(fromBase64(wrappedKey), wrapKey, purpose);
  if (result.status !== 'ok') return result;
  return { status: 'ok', privateKeyArmored: fromUtf8(result.plaintext) };
}

export type RecoveryKeys = { status: 'ok'; authKey: string; wrapKey: Uint8Array } | { status: 'invalid-phrase' };

export async function deriveFromPhrase(phrase: string, kdf: KdfDescriptor): Promise<RecoveryKeys> {
  const entropy = phraseToEntropy(phrase);
  if (!entropy) return { status: 'invalid-phrase' };
  const keys = await deriveKeys(entropy, fromBase64(kdf.salt), kdf);
  return { status: 'ok', authKey: toBase64(keys.authKey), wrapKey: keys.wrapKey };
}

/** A new password over an already unlocked private key: the payload of a reset or a change. */
export async function rewrapForPassword(username: string, password: string, privateKeyArmored: string) {
  const main = await wrapUnderSecret(password, privateKeyArmored, purposes.privateKey(username));
  return { payload: { kdf: main.kdf, authKey: main.authKey, wrappedKey: main.wrappedKey }, wrapKey: main.wrapKey };
}

/** A new recovery phrase over an already unlocked private key; its wrap replaces the old phrase's. */
export async function prepareRecovery(username: string, privateKeyArmored: string) {
  const { phrase, entropy } = newRecoveryPhrase();
  const recovery = await wrapUnderSecret(entropy, privateKeyArmored, purposes.recoveryKey(username));
  return { phrase, recovery: { kdf: recovery.kdf, authKey: recovery.authKey, wrappedKey: recovery.wrappedKey } };
}
