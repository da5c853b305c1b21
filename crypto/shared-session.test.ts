import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decryptBytes, readPrivateKey } from './index';
import { generateUserKey } from './pgp';
import { encryptBytesSharingKey } from './shared-session';

describe('encryptBytesSharingKey', () => {
  it('makes complete messages that each decrypt on their own, with one public-key packet shared', async () => {
    const alice = await generateUserKey('Alice', 'alice@example.org');
    const parts = [new TextEncoder().encode('the raw message'), new Uint8Array(70_000).fill(7)];
    const [first, second] = await encryptBytesSharingKey(parts, [alice.publicKeyArmored]);
    const key = await readPrivateKey(alice.privateKeyArmored);
    expect(await decryptBytes(first!, key)).toEqual({ status: 'ok', data: parts[0] });
    expect(await decryptBytes(second!, key)).toEqual({ status: 'ok', data: parts[1] });
    // The same session-key packets open both messages; the encrypted data differs.
    const common = first!.findIndex((byte, i) => byte !== second![i]);
    expect(common).toBeGreaterThan(50);
  });

  it('is not readable with another key', async () => {
    const [alice, mallory] = await Promise.all([generateUserKey('A', 'a@example.org'), generateUserKey('M', 'm@example.org')]);
    const [message] = await encryptBytesSharingKey([new Uint8Array([1, 2, 3])], [alice.publicKeyArmored]);
    expect((await decryptBytes(message!, await readPrivateKey(mallory.privateKeyArmored))).status).toBe('decrypt-failed');
  });

  it('is read by GnuPG like any other message', async () => {
    const bob = await generateUserKey('Bob', 'bob@example.org');
    const [message] = await encryptBytesSharingKey([new TextEncoder().encode('hello gpg')], [bob.publicKeyArmored]);
    const home = mkdtempSync(path.join(os.tmpdir(), 'sealpost-gpg-'));
    try {
      writeFileSync(path.join(home, 'key.asc'), bob.privateKeyArmored);
      writeFileSync(path.join(home, 'message.gpg'), message!);
      const gpg = (...args: string[]) => execFileSync('gpg', ['--homedir', home, '--batch', '--quiet', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      gpg('--import', path.join(home, 'key.asc'));
      expect(gpg('--decrypt', path.join(home, 'message.gpg')).toString()).toBe('hello gpg');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
