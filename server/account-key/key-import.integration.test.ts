import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyState } from '@/app/lib/keys/key-state';
import { deriveFromPassword, deriveFromPhrase, randomBytes, toBase64 } from '@/crypto';
import { getMessage } from '@/db/repositories/message.repository';
import { findUserById } from '@/db/repositories/user.repository';
import { useTestDb } from '@/testing/db';
import { appError } from '@/testing/errors';
import { createTestUser, type TestUser } from '@/testing/factories';
import { unlockedKeyState } from '@/testing/key-state';
import { queuedId, type Sidecar, startSidecar } from '@/testing/smtp-harness';
import { sendTransaction } from '@/testing/smtp-raw-client';
import { currentPublicKey } from '../addresses/address.service';
import type { Clock } from '../clock';
import { changePassword } from '../auth/account-security.service';
import { preLogin, recoveryParams, recoveryUnlock, rowToAccount, signIn } from '../auth/account.service';
import type { CurrentSession } from '../auth/current-session';
import { importAccountKey } from './key-import.service';

/**
 * A key made by Debian's gpg, brought to an account that already has mail. Afterwards the MX
 * encrypts to the new key (gpg, holding only that key, reads new mail into the bytes sent), mail
 * stored before still opens with the old key kept in the keyring, and every later re-wrap
 * (password change, recovery) carries both keys.
 */
const db = useTestDb();
const clock: Clock = { now: () => new Date() };
const ip = '192.0.2.14';
const GPG_PASSPHRASE = 'gpg passphrase';
let sidecar: Sidecar;
let home: string;
let user: TestUser;

function gpg(args: string[], input?: Uint8Array | string) {
  return spawnSync('gpg', ['--homedir', home, '--batch', '--no-tty', '--pinentry-mode', 'loopback', '--passphrase', GPG_PASSPHRASE, ...args], {
    input,
    maxBuffer: 64 * 1024 * 1024,
  });
}

async function deliver(subject: string): Promise<{ id: string; sent: Buffer }> {
  const sent = Buffer.from(
    [`From: <carol@origin.example>`, `To: <${user.account.address}>`, `Subject: ${subject}`, '', `Body of ${subject}.`, ''].join('\r\n'),
  );
  const client = await sidecar.connectEhlo();
  const tx = await sendTransaction(client, { from: 'carol@origin.example', to: [user.account.address] }, sent);
  client.close();
  return { id: queuedId(tx.final), sent };
}

async function ciphertextOf(id: string): Promise<Uint8Array> {
  return new Uint8Array((await getMessage(db, user.account.id, id))!.raw_ciphertext);
}

async function session(authKey: string): Promise<CurrentSession> {
  const { sessionId } = await signIn(db, clock, 'localhost', { username: user.username, authKey, ip, userAgent: 'vitest' });
  return { sessionId, account: rowToAccount((await findUserById(db, user.account.id))!, 'localhost'), clientKey: new Uint8Array(32) };
}

const wrappedKeyOf = async (userId: string) => toBase64((await findUserById(db, userId))!.wrapped_key);
const endsWith = (plain: Uint8Array, sent: Buffer) => Buffer.from(plain.subarray(plain.length - sent.length)).equals(sent);

beforeAll(async () => {
  sidecar = await startSidecar(db);
  user = await createTestUser(db);
  home = mkdtempSync(path.join(os.tmpdir(), 'sealpost-gnupg-import-'));
});
afterAll(async () => {
  await sidecar?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('bringing a key to an existing account', () => {
  it('new mail goes to the imported key, old mail still opens, and password change and recovery keep both keys', async () => {
    expect(gpg(['--quick-gen-key', 'Elsewhere <me@elsewhere.example>', 'ed25519', 'default', 'never']).status).toBe(0);
    const fingerprint = /^fpr:::::::::([0-9A-F]{40}):/m.exec(gpg(['--list-secret-keys', '--with-colons']).stdout.toString())![1]!;
    expect(gpg(['--quick-add-key', fingerprint, 'cv25519', 'encr', 'never']).status).toBe(0);
    const armoredKey = gpg(['--armor', '--export-secret-keys', fingerprint]).stdout.toString();

    const old = await deliver('before the switch');
    const state = await unlockedKeyState(db, user);
    const oldFingerprint = (await state.keyringInfo()).primary;
    const { userIds } = await currentPublicKey(db, user.account);
    const wrappedKey = await wrappedKeyOf(user.account.id);

    // Checked in the browser as at sign-up: the passphrase must open it.
    expect(await state.prepareKeyImport({ wrappedKey, armoredKey, passphrase: 'not it', userIds })).toEqual({ status: 'wrong-passphrase' });
    const prepared = await state.prepareKeyImport({ wrappedKey, armoredKey, passphrase: GPG_PASSPHRASE, userIds });
    if (prepared.status !== 'ok') throw new Error(`refused: ${prepared.status}`);
    const { status: _, phrase, fingerprint: _fp, ...payload } = prepared;

    // The server wants the password, and a public key with the account's address on it.
    const currentAuthKey = (await deriveFromPassword(user.password, await preLogin(db, user.username))).authKey;
    const current = await session(currentAuthKey);
    const wrongPassword = toBase64(randomBytes(32)); // what a wrong password derives to, without another Argon2id run
    expect((await appError(importAccountKey(db, clock, current, { ...payload, currentAuthKey: wrongPassword }, ip))).code).toBe('INVALID_CREDENTIALS');
    const ownPublic = gpg(['--armor', '--export', fingerprint]).stdout.toString(); // user ID me@elsewhere.example
    expect((await appError(importAccountKey(db, clock, current, { ...payload, publicKey: ownPublic, currentAuthKey }, ip))).message).toContain(
      'one user ID per address',
    );
    expect(await findUserById(db, user.account.id)).toMatchObject({ wrapped_key: Buffer.from(wrappedKey, 'base64') });

    await importAccountKey(db, clock, current, { ...payload, currentAuthKey }, ip);
    await state.adoptImportedKey();
    const stored = (await findUserById(db, user.account.id))!;
    expect((await openpgp.readKey({ armoredKey: stored.public_key })).getFingerprint().toUpperCase()).toBe(fingerprint);
    expect((await state.keyringInfo()).older).toEqual([oldFingerprint]);

    // New mail: to the imported key. gpg, which holds that key and no other, reads it as sent.
    const fresh = await deliver('after the switch');
    const byGpg = gpg(['--decrypt'], await ciphertextOf(fresh.id));
    expect(byGpg.status, byGpg.stderr.toString()).toBe(0);
    expect(endsWith(byGpg.stdout, fresh.sent)).toBe(true);
    // Old mail was encrypted to the old key: gpg can't, the account's keyring can.
    expect(gpg(['--decrypt'], await ciphertextOf(old.id)).status).not.toBe(0);
    for (const { id, sent } of [old, fresh]) {
      const opened = await state.decrypt({ data: await ciphertextOf(id) });
      expect(opened.status === 'ok' && endsWith(opened.data, sent)).toBe(true);
    }

    // A password change re-wraps the whole keyring: after it, a fresh sign-in opens both messages.
    const next = await state.rewrapCurrent({ wrappedKey: toBase64(stored.wrapped_key), password: 'a brand new password' });
    await changePassword(db, clock, current, { currentAuthKey, ...next }, ip);
    user = { ...user, password: 'a brand new password' };
    const afterChange = await unlockedKeyState(db, user);
    expect(await afterChange.keyringInfo()).toEqual({ primary: fingerprint.toLowerCase(), older: [oldFingerprint] });
    for (const { id } of [old, fresh]) expect((await afterChange.decrypt({ data: await ciphertextOf(id) })).status).toBe('ok');

    // The new recovery phrase covers both keys too; the import replaced the old phrase.
    const params = await recoveryParams(db, user.username);
    const oldPhrase = await deriveFromPhrase(user.phrase, params);
    if (oldPhrase.status !== 'ok') throw new Error('phrase');
    expect((await appError(recoveryUnlock(db, clock, { username: user.username, recoveryAuthKey: oldPhrase.authKey, ip }))).code).toBe('INVALID_CREDENTIALS');
    const recovering = createKeyState();
    const derived = await recovering.deriveRecovery({ username: user.username, phrase, kdf: params });
    if (derived.status !== 'ok') throw new Error('phrase');
    const { wrappedKey: recoveryWrapped } = await recoveryUnlock(db, clock, { username: user.username, recoveryAuthKey: derived.authKey, ip });
    expect(await recovering.recoverUnlock({ wrappedKey: recoveryWrapped })).toEqual({ status: 'ok' });
    await recovering.activatePending();
    expect((await recovering.keyringInfo()).older).toEqual([oldFingerprint]);
    for (const { id } of [old, fresh]) expect((await recovering.decrypt({ data: await ciphertextOf(id) })).status).toBe('ok');

    // The private key export can carry the older key too: gpg then reads the old mail as well.
    const exported = await afterChange.exportPrivateKey({ passphrase: GPG_PASSPHRASE, withOlderKeys: true });
    if (exported.status !== 'ok') throw new Error('export refused');
    const blocks = exported.armored.split(/(?=-----BEGIN PGP PRIVATE KEY BLOCK-----)/);
    expect(await Promise.all(blocks.map(async (armoredKey) => (await openpgp.readPrivateKey({ armoredKey })).isDecrypted()))).toEqual([false, false]);
    const imported = gpg(['--import'], exported.armored);
    expect(imported.status, imported.stderr.toString()).toBe(0);
    const oldByGpg = gpg(['--decrypt'], await ciphertextOf(old.id));
    expect(oldByGpg.status, oldByGpg.stderr.toString()).toBe(0);
    expect(endsWith(oldByGpg.stdout, old.sent)).toBe(true);

    // The same key twice is refused before anything reaches the server.
    const again = await afterChange.prepareKeyImport({
      wrappedKey: toBase64((await findUserById(db, user.account.id))!.wrapped_key),
      armoredKey,
      passphrase: GPG_PASSPHRASE,
      userIds,
    });
    expect(again).toEqual({ status: 'already-yours' });
    const audit = await db.selectFrom('audit_log').select('details').where('user_id', '=', user.account.id).where('event', '=', 'key.imported').execute();
    expect(audit.map((a) => a.details)).toEqual([{ fingerprint: fingerprint.toLowerCase(), previous: oldFingerprint }]);
  }, 180_000); // ten Argon2id runs (64 MiB each), on a shared machine
});
