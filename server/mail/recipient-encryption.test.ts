import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as openpgp from 'openpgp';
import { describe, expect, it } from 'vitest';
import { decryptBytes, readPrivateKey } from '../../crypto';
import { generateUserKey } from '../../crypto/pgp';
import { encryptPartsTo } from './recipient-encryption';

/** The MX's own public-key step must write what openpgp.js and GnuPG read, and fail closed. */
describe('encryptPartsTo', () => {
  it('cv25519: every part decrypts with openpgp.js and GnuPG, one fresh PKESK per call to the encryption subkey', async () => {
    const bob = await generateUserKey('Bob', 'bob@example.org');
    // One-, two- and five-octet packet lengths.
    const parts = [new TextEncoder().encode('the raw message'), new Uint8Array(1000).fill(9), new Uint8Array(70_000).fill(7)];
    const [first, second, third] = await encryptPartsTo(parts, bob.publicKeyArmored);
    const key = await readPrivateKey(bob.privateKeyArmored);
    expect(await decryptBytes(first!, key)).toEqual({ status: 'ok', data: parts[0] });
    expect(await decryptBytes(second!, key)).toEqual({ status: 'ok', data: parts[1] });
    expect(await decryptBytes(third!, key)).toEqual({ status: 'ok', data: parts[2] });
    // A flipped bit in the encrypted data fails the integrity check: no plaintext comes out.
    const tampered = new Uint8Array(third!);
    tampered[tampered.length - 100]! ^= 1;
    expect((await decryptBytes(tampered, key)).status).toBe('decrypt-failed');

    const message = await openpgp.readMessage({ binaryMessage: first! });
    const subkey = await (await openpgp.readKey({ armoredKey: bob.publicKeyArmored })).getEncryptionKey();
    expect(message.getEncryptionKeyIDs().map((id) => id.toHex())).toEqual([subkey.getKeyID().toHex()]);
    // Another message gets another ephemeral key and session key.
    const [again] = await encryptPartsTo([parts[0]!], bob.publicKeyArmored);
    expect(Buffer.from(again!.subarray(0, 60)).equals(Buffer.from(first!.subarray(0, 60)))).toBe(false);

    const home = mkdtempSync(path.join(os.tmpdir(), 'sealpost-gpg-'));
    try {
      writeFileSync(path.join(home, 'key.asc'), bob.privateKeyArmored);
      writeFileSync(path.join(home, 'message.gpg'), first!);
      writeFileSync(path.join(home, 'large.gpg'), third!);
      const gpg = (...args: string[]) => execFileSync('gpg', ['--homedir', home, '--batch', '--quiet', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      gpg('--import', path.join(home, 'key.asc'));
      expect(gpg('--decrypt', path.join(home, 'message.gpg')).toString()).toBe('the raw message');
      expect(gpg('--decrypt', path.join(home, 'large.gpg')).equals(Buffer.from(parts[2]!))).toBe(true);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('another key, not readable; a NIST P-256 key goes through openpgp.js; a key that cannot encrypt fails', async () => {
    const [alice, mallory] = await Promise.all([generateUserKey('A', 'a@example.org'), generateUserKey('M', 'm@example.org')]);
    const [message] = await encryptPartsTo([new Uint8Array([1, 2, 3])], alice.publicKeyArmored);
    expect((await decryptBytes(message!, await readPrivateKey(mallory.privateKeyArmored))).status).toBe('decrypt-failed');

    const nist = await openpgp.generateKey({ type: 'ecc', curve: 'nistP256', userIDs: [{ email: 'n@example.org' }], format: 'armored' });
    const [viaOpenpgp] = await encryptPartsTo([new Uint8Array([4, 5])], nist.publicKey);
    expect(await decryptBytes(viaOpenpgp!, await readPrivateKey(nist.privateKey))).toEqual({ status: 'ok', data: new Uint8Array([4, 5]) });

    const expired = await openpgp.generateKey({
      type: 'ecc',
      userIDs: [{ email: 'x@example.org' }],
      keyExpirationTime: 1,
      date: new Date(Date.now() - 60_000),
      format: 'armored',
    });
    await expect(encryptPartsTo([new Uint8Array([1])], expired.publicKey)).rejects.toThrow();
  });
});
