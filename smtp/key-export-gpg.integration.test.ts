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
import { createKeyState } from '@/app/lib/keys/key-state';
import { register } from '@/server/auth/account.service';
import { env } from '@/server/env';
import { settingsFrom } from '@/server/settings';

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
      [
        'From: <alice@origin.example>',
        `To: <${user.username}@localhost>`,
        'Subject: for gpg',
        'Message-ID: <gpg-1@origin.example>',
        '',
        'Decrypt me with GnuPG.',
        '',
      ].join('\r\n'),
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

describe('bringing an existing key', () => {
  it("registers with a key made by GnuPG, and mail sent here decrypts with GnuPG's own copy", async () => {
    const gpgHome = mkdtempSync(path.join(os.tmpdir(), 'sealpost-gnupg-own-'));
    try {
      const own = (args: string[], input?: string) =>
        spawnSync('gpg', ['--homedir', gpgHome, '--batch', '--no-tty', '--pinentry-mode', 'loopback', '--passphrase', 'gpg passphrase', ...args], { input });
      expect(own(['--quick-gen-key', 'Old Me <me@elsewhere.example>', 'ed25519', 'default', 'never']).status).toBe(0);
      const fingerprint = /^fpr:::::::::([0-9A-F]{40}):/m.exec(own(['--list-secret-keys', '--with-colons']).stdout.toString())![1]!;
      expect(own(['--quick-add-key', fingerprint, 'cv25519', 'encr', 'never']).status).toBe(0);
      const armoredKey = own(['--armor', '--export-secret-keys', fingerprint]).stdout.toString();
      const publicOnly = own(['--armor', '--export', fingerprint]).stdout.toString();
      const username = `byok${Date.now().toString(36)}`;
      const input = { username, email: `${username}@localhost`, password: 'a long account password' };

      const state = createKeyState();
      expect(await state.prepareRegistrationWithKey({ ...input, armoredKey, passphrase: 'wrong' })).toEqual({ status: 'wrong-passphrase' });
      expect(await state.prepareRegistrationWithKey({ ...input, armoredKey: publicOnly, passphrase: 'gpg passphrase' })).toEqual({
        status: 'not-a-private-key',
      });
      const prepared = await state.prepareRegistrationWithKey({ ...input, armoredKey, passphrase: 'gpg passphrase' });
      if (prepared.status !== 'ok') throw new Error(`refused: ${prepared.status}`);

      // The server checks it as it checks every account key, and keeps the same key.
      const account = await register(db, prepared.payload, { settings: settingsFrom(env()), viaCli: true });
      const stored = await db.selectFrom('users').select('public_key').where('id', '=', account.id).executeTakeFirstOrThrow();
      expect((await openpgp.readKey({ armoredKey: stored.public_key })).getFingerprint().toUpperCase()).toBe(fingerprint);

      const message = Buffer.from(['From: <bob@origin.example>', `To: <${input.email}>`, 'Subject: to my old key', '', 'Still mine.', ''].join('\r\n'));
      const client = await sidecar.connectEhlo();
      const tx = await sendTransaction(client, { from: 'bob@origin.example', to: [input.email] }, message);
      client.close();
      const row = await getMessage(db, account.id, queuedId(tx.final));
      const result = spawnSync(
        'gpg',
        ['--homedir', gpgHome, '--batch', '--no-tty', '--pinentry-mode', 'loopback', '--passphrase', 'gpg passphrase', '--decrypt'],
        {
          input: row!.raw_ciphertext,
        },
      );
      expect(result.status, result.stderr.toString()).toBe(0);
      expect(result.stdout.subarray(result.stdout.length - message.length).equals(message)).toBe(true);
    } finally {
      rmSync(gpgHome, { recursive: true, force: true });
    }
  });
});
