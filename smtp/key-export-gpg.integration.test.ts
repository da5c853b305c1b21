import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getMessage } from '@/db/repositories/message.repository';
import { queuedId, type Sidecar, startSidecar } from '@/testing/smtp-harness';
import { sendTransaction } from '@/testing/smtp-raw-client';
import { useTestDb } from '@/testing/db';
import { createTestUser, type TestUser } from '@/testing/factories';
import * as openpgp from 'openpgp';
import { unlockedKeyState } from '@/testing/key-state';

/**
 * "Your key" leaves Sealpost in a form GnuPG takes: the key Worker's own code (key-state.ts, run
 * here in Node) exports the unlocked key under a passphrase, Debian's gpg imports it in a throwaway
 * GNUPGHOME, and decrypts a message's ciphertext read straight from the database into the bytes the
 * sender put on the wire, after the Authentication-Results line the MX prepended.
 */
const db = useTestDb();
let sidecar: Sidecar;
let user: TestUser;
let home: string;

beforeAll(async () => {
  sidecar = await startSidecar(db);
  user = await createTestUser(db);
  home = mkdtempSync(path.join(os.tmpdir(), 'sealpost-gnupg-'));
});
afterAll(async () => {
  await sidecar?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

function gpg(args: string[], input?: Buffer | string) {
  return spawnSync('gpg', ['--homedir', home, '--batch', '--no-tty', '--pinentry-mode', 'loopback', ...args], { input, maxBuffer: 64 * 1024 * 1024 });
}

const unlockedState = () => unlockedKeyState(db, user);

describe('private key export for GnuPG', () => {
  it('gpg imports the exported key with its passphrase and decrypts stored mail into the bytes sent over SMTP', async () => {
    const message = Buffer.from(
      ['From: <alice@origin.example>', `To: <${user.username}@localhost>`, 'Subject: for gpg', 'Message-ID: <gpg-1@origin.example>', '', 'Decrypt me with GnuPG.', ''].join('\r\n'),
    );
    const client = await sidecar.connectEhlo();
    const tx = await sendTransaction(client, { from: 'alice@origin.example', to: [`${user.username}@localhost`] }, message);
    client.close();
    const row = await getMessage(db, user.account.id, queuedId(tx.final));
    expect(row).toBeDefined();

    const state = await unlockedState();
    expect(await state.exportPrivateKey({ passphrase: 'short' })).toEqual({ status: 'weak-passphrase' });
    const passphrase = 'correct horse battery staple';
    const exported = await state.exportPrivateKey({ passphrase });
    if (exported.status !== 'ok') throw new Error('export refused');
    expect(exported.armored).toMatch(/^-----BEGIN PGP PRIVATE KEY BLOCK-----/);
    expect((await openpgp.readPrivateKey({ armoredKey: exported.armored })).isDecrypted()).toBe(false); // locked again
    const keyFile = path.join(home, 'exported.asc');
    writeFileSync(keyFile, exported.armored);

    // A wrong passphrase gets nothing: gpg imports the public part but can't unlock the secret one.
    const ciphertext = path.join(home, 'stored.gpg');
    writeFileSync(ciphertext, row!.raw_ciphertext);
    expect(gpg(['--import', keyFile]).status).toBe(0);
    expect(execFileSync('gpg', ['--homedir', home, '--batch', '--list-secret-keys', '--with-colons']).toString()).toContain(`${user.username}@localhost`);
    const wrong = gpg(['--passphrase', 'not the passphrase', '--decrypt', ciphertext]);
    expect(wrong.status).not.toBe(0);

    const decrypted = gpg(['--passphrase', passphrase, '--decrypt', ciphertext]);
    expect(decrypted.status, decrypted.stderr.toString()).toBe(0);
    const plain = decrypted.stdout;
    expect(plain.subarray(0, 'Authentication-Results:'.length).toString()).toBe('Authentication-Results:');
    expect(plain.subarray(plain.length - message.length).equals(message)).toBe(true);
  });

  it('the public key download is the account key, and gpg reads it', async () => {
    const state = await unlockedState();
    const { armored } = await state.exportPublicKey();
    expect(armored).toMatch(/^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
    const shown = gpg(['--show-keys', '--with-colons'], armored);
    expect(shown.status).toBe(0);
    expect(shown.stdout.toString()).toContain(`${user.username}@localhost`);
    expect(shown.stdout.toString()).not.toContain('sec:');
  });
});
