import {
  type PrivateKeyHandle,
  armorMessage,
  dearmorMessage,
  decryptBytes,
  encryptBytes,
  encryptBytesSharingKey,
  exportProtectedKey,
  deriveFromPassword,
  deriveFromPhrase,
  fromBase64,
  prepareKeyImport,
  prepareRecovery,
  prepareRegistration,
  publicKeyOf,
  purposes,
  readBroughtKey,
  readKeyring,
  rewrapForPassword,
  toBase64,
  unlockWrappedKey,
  unwrap,
  withUserIds,
  wrap,
} from '@/crypto';
import { type DecryptOutcome, KeyError, type KeyOps, type KeyRequest, type KeyResponse, keyErrorData } from './protocol';

export type Async<T> = { [K in keyof T]: T[K] extends (...a: infer A) => infer R ? (...a: A) => Promise<R> : never };

async function decryptOne(keys: PrivateKeyHandle[] | null, data: Uint8Array): Promise<DecryptOutcome> {
  if (!keys) return { status: 'locked', reason: 'The key is locked.' };
  const result = await decryptBytes(data, keys);
  return result.status === 'ok' ? result : { status: 'decrypt-failed', reason: result.reason };
}

/**
 * Holds the unlocked keyring of this tab (crypto/keyring.ts: the primary key first, then the keys
 * it replaced, which only decrypt), and the wrapKey that can re-seal it for a reload. Runs inside
 * the Worker; plain module so it can be unit-tested in Node.
 */
export function createKeyState(onProgress: (step: string) => void = () => undefined): Async<KeyOps> {
  let username: string | null = null;
  let wrapKey: Uint8Array | null = null;
  /** The keyring; [0] is the primary: it encrypts, exports and carries the addresses. */
  let keys: PrivateKeyHandle[] | null = null;
  let stagedKeyring: string | null = null;
  let pending: { username: string; wrapKey: Uint8Array; privateKeyArmored?: string } | null = null;
  let stagedWrapKey: Uint8Array | null = null;

  /** The unlocked key's armor again, from the stored wrap: the handle alone can't be re-wrapped. */
  async function currentArmored(wrappedKey: string): Promise<{ name: string; armored: string }> {
    if (!username || !wrapKey) throw new KeyError('locked', 'The key is locked.');
    const result = await unlockWrappedKey(wrappedKey, wrapKey, purposes.privateKey(username));
    if (result.status !== 'ok') throw new KeyError('failed', 'The stored key does not open with this session’s password.');
    return { name: username, armored: result.privateKeyArmored };
  }

  function primary(): PrivateKeyHandle {
    if (!keys?.[0]) throw new KeyError('locked', 'The key is locked.');
    return keys[0];
  }

  async function activate(name: string, key: Uint8Array, armored: string) {
    keys = await readKeyring(armored);
    username = name;
    wrapKey = key;
    pending = null;
  }

  return {
    async prepareRegistration(input) {
      const prepared = await prepareRegistration({ ...input, onProgress });
      pending = { username: input.username, wrapKey: prepared.wrapKey, privateKeyArmored: prepared.privateKeyArmored };
      return { payload: prepared.payload, phrase: prepared.phrase };
    },
    async prepareRegistrationWithKey(input) {
      const brought = await readBroughtKey(input.armoredKey, input.passphrase);
      if (brought.status !== 'ok') return brought;
      const prepared = await prepareRegistration({ ...input, existingKey: brought.privateKey, onProgress });
      pending = { username: input.username, wrapKey: prepared.wrapKey, privateKeyArmored: prepared.privateKeyArmored };
      return { status: 'ok' as const, payload: prepared.payload, phrase: prepared.phrase };
    },
    async activatePending() {
      // After registration or recovery the key is already in hand: no second Argon2id run.
      if (!pending?.privateKeyArmored) throw new KeyError('out-of-order', 'nothing to activate');
      await activate(pending.username, pending.wrapKey, pending.privateKeyArmored);
      return { status: 'ok' as const };
    },
    async deriveLogin(input) {
      onProgress('password');
      const keys = await deriveFromPassword(input.password, input.kdf);
      pending = { username: input.username, wrapKey: keys.wrapKey };
      return { authKey: keys.authKey };
    },
    async unlock(input) {
      if (!pending) throw new KeyError('out-of-order', 'derive first');
      const result = await unlockWrappedKey(input.wrappedKey, pending.wrapKey, purposes.privateKey(pending.username));
      if (result.status !== 'ok') return { status: 'decrypt-failed' as const };
      await activate(pending.username, pending.wrapKey, result.privateKeyArmored);
      return { status: 'ok' as const };
    },
    async sealSession(input) {
      if (!wrapKey) throw new KeyError('locked', 'The key is locked.');
      return { blob: toBase64(await wrap(wrapKey, fromBase64(input.clientKey), purposes.sessionWrapKey)) };
    },
    async resume(input) {
      const opened = await unwrap(fromBase64(input.blob), fromBase64(input.clientKey), purposes.sessionWrapKey);
      if (opened.status !== 'ok') return { status: 'decrypt-failed' as const };
      const result = await unlockWrappedKey(input.wrappedKey, opened.plaintext, purposes.privateKey(input.username));
      if (result.status !== 'ok') return { status: 'decrypt-failed' as const };
      await activate(input.username, opened.plaintext, result.privateKeyArmored);
      return { status: 'ok' as const };
    },
    async deriveRecovery(input) {
      onProgress('phrase');
      const keys = await deriveFromPhrase(input.phrase, input.kdf);
      if (keys.status !== 'ok') return keys;
      pending = { username: input.username, wrapKey: keys.wrapKey };
      return { status: 'ok' as const, authKey: keys.authKey };
    },
    async recoverUnlock(input) {
      if (!pending) throw new KeyError('out-of-order', 'derive first');
      const result = await unlockWrappedKey(input.wrappedKey, pending.wrapKey, purposes.recoveryKey(pending.username));
      if (result.status !== 'ok') return { status: 'decrypt-failed' as const };
      pending = { ...pending, privateKeyArmored: result.privateKeyArmored };
      return { status: 'ok' as const };
    },
    async rewrapForPassword(input) {
      if (!pending?.privateKeyArmored) throw new KeyError('out-of-order', 'recover first');
      onProgress('password');
      const next = await rewrapForPassword(pending.username, input.password, pending.privateKeyArmored);
      pending = { ...pending, wrapKey: next.wrapKey };
      return next.payload;
    },
    async decrypt(input) {
      return decryptOne(keys, input.data);
    },
    async decryptArmored(input) {
      const data = await dearmorMessage(input.armored);
      return data ? decryptOne(keys, data) : { status: 'decrypt-failed', reason: 'not an OpenPGP message' };
    },
    async decryptBatch(input) {
      const ring = keys;
      const results = [];
      // One at a time: each is small, and the Worker has nothing else to do meanwhile.
      for (const item of input.items) results.push(await decryptOne(ring, item));
      return { results };
    },
    async encryptTo(input) {
      return { parts: await encryptBytesSharingKey(input.parts, input.publicKeys) };
    },
    async encryptToSelf(input) {
      return { parts: await encryptBytesSharingKey(input.parts, [publicKeyOf(primary())]) };
    },
    async encryptArmored(input) {
      return { armored: armorMessage(await encryptBytes(input.data, input.publicKeys)) };
    },
    async setUserIds(input) {
      const next = await withUserIds(primary(), input.userIds);
      keys = [next.privateKey, ...(keys ?? []).slice(1)];
      return { publicKey: next.publicKeyArmored };
    },
    async deriveAuthKey(input) {
      onProgress('password');
      return { authKey: (await deriveFromPassword(input.password, input.kdf)).authKey };
    },
    async rewrapCurrent(input) {
      const { name, armored } = await currentArmored(input.wrappedKey);
      onProgress('password');
      const next = await rewrapForPassword(name, input.password, armored);
      stagedWrapKey = next.wrapKey;
      return next.payload;
    },
    async adoptNewPassword() {
      if (!stagedWrapKey) throw new KeyError('out-of-order', 'rewrap first');
      wrapKey = stagedWrapKey;
      stagedWrapKey = null;
      return { status: 'ok' as const };
    },
    async newRecoveryPhrase(input) {
      const { name, armored } = await currentArmored(input.wrappedKey);
      onProgress('recovery');
      return prepareRecovery(name, armored);
    },
    async exportPrivateKey(input) {
      return exportProtectedKey(input.withOlderKeys ? [primary(), ...keys!.slice(1)] : primary(), input.passphrase);
    },
    async exportPublicKey() {
      return { armored: publicKeyOf(primary()) };
    },
    async keyringInfo() {
      const [first, ...older] = keys ?? [];
      if (!first) throw new KeyError('locked', 'The key is locked.');
      return { primary: first.getFingerprint(), older: older.map((key) => key.getFingerprint()) };
    },
    async prepareKeyImport(input) {
      const { name, armored } = await currentArmored(input.wrappedKey);
      const prepared = await prepareKeyImport({ ...input, username: name, currentKeyring: armored, wrapKey: wrapKey!, onProgress });
      if (prepared.status !== 'ok') return prepared;
      stagedKeyring = prepared.keyringArmored;
      const { keyringArmored: _kept, ...result } = prepared;
      return result;
    },
    async adoptImportedKey() {
      if (!stagedKeyring) throw new KeyError('out-of-order', 'prepare the import first');
      keys = await readKeyring(stagedKeyring);
      stagedKeyring = null;
      return { status: 'ok' as const };
    },
    async isUnlocked() {
      return { unlocked: keys !== null };
    },
    async lock() {
      username = wrapKey = keys = pending = stagedWrapKey = stagedKeyring = null;
      return { status: 'ok' as const };
    },
  };
}

/** One request run against the state, as the Worker runs it: an error becomes data that survives postMessage. */
export async function answerKeyRequest(state: Async<KeyOps>, request: KeyRequest): Promise<KeyResponse> {
  try {
    const fn = state[request.op] as (arg: unknown) => Promise<unknown>;
    return { id: request.id, ok: true, result: await fn(request.input) };
  } catch (err) {
    return { id: request.id, ok: false, error: keyErrorData(err) };
  }
}
