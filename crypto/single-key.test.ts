import * as openpgp from 'openpgp';
import { describe, expect, it } from 'vitest';
import { concatenatedKeyBlock } from '../testing/key-blocks';
import { readSingleKey } from './single-key';

async function publicKey(email: string) {
  return (await openpgp.generateKey({ type: 'ecc', curve: 'ed25519Legacy', userIDs: [{ email }], format: 'armored' })).publicKey;
}

describe('readSingleKey', () => {
  it('reads a block holding one key', async () => {
    const armored = await publicKey('one@example.com');
    expect((await readSingleKey(armored))?.getFingerprint()).toBe((await openpgp.readKey({ armoredKey: armored })).getFingerprint());
  });

  it('refuses a block holding two keys, which readKey would read as the first alone', async () => {
    const [first, second] = await Promise.all([publicKey('owner@example.com'), publicKey('owner@example.com')]);
    const block = await concatenatedKeyBlock(first, second);
    // Control: the block really carries both, and openpgp's readKey silently returns the first.
    expect(await openpgp.readKeys({ armoredKeys: block })).toHaveLength(2);
    expect((await openpgp.readKey({ armoredKey: block })).getFingerprint()).toBe((await openpgp.readKey({ armoredKey: first })).getFingerprint());
    expect(await readSingleKey(block)).toBeNull();
  });

  it('refuses garbage', async () => {
    expect(await readSingleKey('-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nnot a key\n-----END PGP PUBLIC KEY BLOCK-----')).toBeNull();
  });
});
