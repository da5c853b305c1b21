import { describe, expect, it } from 'vitest';
import { deriveFromPassword, deriveFromPhrase, prepareRegistration, rewrapForPassword, unlockWrappedKey } from './account';
import { purposes } from './wrap';
import { readPrivateKey } from './pgp';

describe('account key material', async () => {
  const prepared = await prepareRegistration({ username: 'alice', email: 'alice@localhost', password: 'correct horse battery staple' });
  const { payload } = prepared;

  it('unwraps with the right password and yields a usable private key', async () => {
    const keys = await deriveFromPassword('correct horse battery staple', payload.kdf);
    expect(keys.authKey).toBe(payload.authKey);
    const result = await unlockWrappedKey(payload.wrappedKey, keys.wrapKey, purposes.privateKey('alice'));
    expect(result.status).toBe('ok');
    if (result.status === 'ok') {
      const key = await readPrivateKey(result.privateKeyArmored);
      expect(key.isDecrypted()).toBe(true);
      expect(key.getUserIDs()).toEqual(['alice <alice@localhost>']);
    }
  });

  it('refuses a wrong password', async () => {
    const keys = await deriveFromPassword('correct horse battery stapler', payload.kdf);
    expect(keys.authKey).not.toBe(payload.authKey);
    expect((await unlockWrappedKey(payload.wrappedKey, keys.wrapKey, purposes.privateKey('alice'))).status).toBe('decrypt-failed');
  });

  it('refuses the right key used for another username (purpose binding)', async () => {
    const keys = await deriveFromPassword('correct horse battery staple', payload.kdf);
    expect((await unlockWrappedKey(payload.wrappedKey, keys.wrapKey, purposes.privateKey('mallory'))).status).toBe('decrypt-failed');
  });

  it('unwraps the recovery copy with the phrase, and not with a different valid phrase', async () => {
    const good = await deriveFromPhrase(prepared.phrase, payload.recovery.kdf);
    expect(good.status).toBe('ok');
    if (good.status === 'ok') {
      expect((await unlockWrappedKey(payload.recovery.wrappedKey, good.wrapKey, purposes.recoveryKey('alice'))).status).toBe('ok');
    }
    const other = await prepareRegistration({ username: 'bob', email: 'bob@localhost', password: 'x'.repeat(12) });
    const wrong = await deriveFromPhrase(other.phrase, payload.recovery.kdf);
    expect(wrong.status).toBe('ok');
    if (wrong.status === 'ok') {
      expect((await unlockWrappedKey(payload.recovery.wrappedKey, wrong.wrapKey, purposes.recoveryKey('alice'))).status).toBe('decrypt-failed');
    }
  });

  it('rejects a phrase with a typo by its checksum', async () => {
    const words = prepared.phrase.split(' ');
    words[5] = words[5] === 'abandon' ? 'ability' : 'abandon';
    expect((await deriveFromPhrase(words.join(' '), payload.recovery.kdf)).status).toBe('invalid-phrase');
  });

  it('re-wraps under a new password; the old password no longer unwraps the new blob', async () => {
    const next = await rewrapForPassword('alice', 'a brand new password', prepared.privateKeyArmored);
    const fresh = await deriveFromPassword('a brand new password', next.payload.kdf);
    expect((await unlockWrappedKey(next.payload.wrappedKey, fresh.wrapKey, purposes.privateKey('alice'))).status).toBe('ok');
    const old = await deriveFromPassword('correct horse battery staple', next.payload.kdf);
    expect((await unlockWrappedKey(next.payload.wrappedKey, old.wrapKey, purposes.privateKey('alice'))).status).toBe('decrypt-failed');
  });
});
