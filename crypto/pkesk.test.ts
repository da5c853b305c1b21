import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { encryptBytes, utf8 } from './index';
import { generateUserKey } from './pgp';
import { armorBinaryKey, checkEncryptedTo, checkRecipientKey } from './pkesk';
import { encryptBytesSharingKey } from './shared-session';

describe('checkEncryptedTo', () => {
  let alice: Awaited<ReturnType<typeof generateUserKey>>;
  let bob: Awaited<ReturnType<typeof generateUserKey>>;
  beforeAll(async () => {
    [alice, bob] = await Promise.all([generateUserKey('Alice', 'alice@example.org'), generateUserKey('Bob', 'bob@example.org')]);
  });

  it('accepts a message encrypted to the key, alone or among others, and with a shared session key', async () => {
    expect(await checkEncryptedTo(await encryptBytes(utf8('hi'), [alice.publicKeyArmored]), alice.publicKeyArmored)).toEqual({ status: 'ok' });
    const both = await encryptBytes(utf8('hi'), [bob.publicKeyArmored, alice.publicKeyArmored]);
    expect(await checkEncryptedTo(both, alice.publicKeyArmored)).toEqual({ status: 'ok' });
    expect(await checkEncryptedTo(both, bob.publicKeyArmored)).toEqual({ status: 'ok' });
    const [raw, summary] = await encryptBytesSharingKey([utf8('raw'), utf8('{}')], [alice.publicKeyArmored]);
    expect((await checkEncryptedTo(raw!, alice.publicKeyArmored)).status).toBe('ok');
    expect((await checkEncryptedTo(summary!, alice.publicKeyArmored)).status).toBe('ok');
  });

  it('refuses a real message encrypted to another key, naming the key it was for', async () => {
    const toBob = await encryptBytes(utf8('secret'), [bob.publicKeyArmored]);
    const result = await checkEncryptedTo(toBob, alice.publicKeyArmored);
    expect(result.status).toBe('wrong-key');
    const bobKey = await openpgp.readKey({ armoredKey: bob.publicKeyArmored });
    const bobEncryptionId = (await bobKey.getEncryptionKey()).getKeyID().toHex();
    expect(result).toEqual({ status: 'wrong-key', keyIds: [bobEncryptionId] });
  });

  it('refuses plaintext, signed-only, password-encrypted, anonymous-recipient and garbage input', async () => {
    const literal = (await openpgp.createMessage({ binary: utf8('plain') })).write();
    expect(await checkEncryptedTo(literal, alice.publicKeyArmored)).toEqual({ status: 'not-encrypted' });

    const signingKey = await openpgp.readPrivateKey({ armoredKey: alice.privateKeyArmored });
    const signed = (await openpgp.sign({
      message: await openpgp.createMessage({ binary: utf8('x') }),
      signingKeys: signingKey,
      format: 'binary',
    })) as Uint8Array;
    expect(await checkEncryptedTo(signed, alice.publicKeyArmored)).toEqual({ status: 'not-encrypted' });

    const withPassword = (await openpgp.encrypt({
      message: await openpgp.createMessage({ binary: utf8('x') }),
      passwords: ['pw'],
      format: 'binary',
    })) as Uint8Array;
    expect(await checkEncryptedTo(withPassword, alice.publicKeyArmored)).toEqual({ status: 'not-encrypted' });

    const hidden = (await openpgp.encrypt({
      message: await openpgp.createMessage({ binary: utf8('x') }),
      encryptionKeys: await openpgp.readKey({ armoredKey: alice.publicKeyArmored }),
      wildcard: true,
      format: 'binary',
    })) as Uint8Array;
    expect((await checkEncryptedTo(hidden, alice.publicKeyArmored)).status).toBe('wrong-key');

    expect(await checkEncryptedTo(utf8('Subject: hi\r\n\r\nplaintext mail'), alice.publicKeyArmored)).toEqual({ status: 'unreadable' });
    expect(await checkEncryptedTo(new Uint8Array(0), alice.publicKeyArmored)).toEqual({ status: 'unreadable' });
  });
});

describe('checkRecipientKey', () => {
  it('wants the address as a user ID and a usable encryption key', async () => {
    const carol = await generateUserKey('Carol', 'Carol@Example.org');
    expect(await checkRecipientKey(carol.publicKeyArmored, 'carol@example.org')).toMatchObject({ status: 'ok', fingerprint: expect.any(String) });
    expect(await checkRecipientKey(carol.publicKeyArmored, 'mallory@example.org')).toMatchObject({ status: 'invalid' });
    expect(await checkRecipientKey(carol.privateKeyArmored, 'carol@example.org')).toMatchObject({ status: 'invalid' });
    expect(await checkRecipientKey('not a key', 'carol@example.org')).toMatchObject({ status: 'invalid' });
  });

  it('reads the binary form WKD serves', async () => {
    const dave = await generateUserKey('Dave', 'dave@example.org');
    const binary = (await openpgp.readKey({ armoredKey: dave.publicKeyArmored })).write();
    const armored = await armorBinaryKey(binary);
    expect(armored).toContain('BEGIN PGP PUBLIC KEY BLOCK');
    expect(await checkRecipientKey(armored!, 'dave@example.org')).toMatchObject({ status: 'ok' });
    expect(await armorBinaryKey(utf8('<html>not found</html>'))).toBeNull();
  });
});
