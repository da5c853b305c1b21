import { describe, expect, it } from 'vitest';
import { checkEncryptedTo, utf8 } from '@/crypto';
import { generateUserKey } from '@/crypto/pgp';
import { createKeyState } from '../keys/key-state';

// The key Worker's compose operations, on its real state object in Node.
describe('key worker: encrypting outgoing mail', () => {
  it('encrypts to the user’s own key (drafts, Sent) and to others’ keys, without the private key leaving', async () => {
    const keys = createKeyState();
    const { payload } = await keys.prepareRegistration({ username: 'writer', email: 'writer@localhost', password: 'a long test password 123' });
    await expect(keys.encryptToSelf({ parts: [utf8('x')] })).rejects.toThrow('locked');
    await keys.activatePending();

    const { parts } = await keys.encryptToSelf({ parts: [utf8('draft raw'), utf8('{"v":1}')] });
    expect(parts).toHaveLength(2);
    expect(await checkEncryptedTo(parts[0]!, payload.publicKey)).toEqual({ status: 'ok' });
    const { results } = await keys.decryptBatch({ items: parts });
    expect(results.map((r) => (r.status === 'ok' ? new TextDecoder().decode(r.data) : r.status))).toEqual(['draft raw', '{"v":1}']);

    const bob = await generateUserKey('Bob', 'bob@localhost');
    const toBob = await keys.encryptTo({ parts: [utf8('for bob')], publicKeys: [bob.publicKeyArmored] });
    expect(await checkEncryptedTo(toBob.parts[0]!, bob.publicKeyArmored)).toEqual({ status: 'ok' });
    expect((await keys.decrypt({ data: toBob.parts[0]! })).status).toBe('decrypt-failed');

    const { armored } = await keys.encryptArmored({ data: utf8('pgp/mime'), publicKeys: [bob.publicKeyArmored] });
    expect(armored).toMatch(/^-----BEGIN PGP MESSAGE-----/);
  });
});
