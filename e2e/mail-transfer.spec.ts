import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Page, expect, test } from '@playwright/test';
import pg from 'pg';
import { createKeyState } from '../app/lib/keys/key-state';
import { parseMessage } from '../app/lib/mail/parse-message';
import { toBase64 } from '../crypto';
import { sealMessage } from '../server/mail/seal';
import { dumpAllTables } from '../testing/dump';
import { type TransferMessage, sameAsSent, transferMessage } from '../testing/transfer-mail';
import { databaseUrl, fillRegistration, uniqueName } from './helpers';
import { sendWithSwaks } from './mail-helpers';
import { type E2eUser, newUser, openMailbox } from './session';

/**
 * "Your key" and "Your mail" in Chromium: key downloads, then 1,000 messages exported from one
 * account as an .mbox and imported into another, with a reload in the middle of the import. The
 * seed goes straight to the database through the MX's own seal step (encrypted for real), so the
 * test spends its time on the export and import themselves.
 *
 * Chromium has showSaveFilePicker, whose native dialog Playwright can't answer: the big export takes
 * the other path (Blob parts and a download), which Playwright catches, and a small one answers the
 * picker with a real file handle from the origin-private file system, read back afterwards.
 */
const COUNT = 1000;
const canary = `canary${randomBytes(10).toString('hex')}`;
const sent = new Map<string, TransferMessage>();

async function withDb<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: await databaseUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function seed(user: E2eUser, count = COUNT) {
  const authHeader = Buffer.from('Authentication-Results: mx.sealpost.test; spf=none\r\n');
  const auth = { spf: 'none', dkim: 'none', dmarc: 'none', arc: 'none' };
  await withDb(async (client) => {
    const { rows } = await client.query<{ id: string; public_key: string }>('SELECT id, public_key FROM users WHERE username = $1', [user.username]);
    const { id, public_key } = rows[0]!;
    for (let start = 0; start < count; start += 100) {
      const values: unknown[] = [];
      const tuples: string[] = [];
      for (let i = start; i < Math.min(count, start + 100); i++) {
        const { raw, sent: s } = transferMessage(i, user.address, canary);
        sent.set(s.messageId, s);
        const sealed = await sealMessage({ raw, authHeader, auth, envelopeFrom: 'sender@origin.example', publicKeys: [public_key] });
        if (sealed.status !== 'sealed') throw new Error('seal failed');
        const n = values.length;
        tuples.push(`($${n + 1}, $${n + 2}, $${n + 3}, $${n + 4}, $${n + 5})`);
        values.push(id, s.date, raw.length, sealed.copies[0]!.raw, sealed.copies[0]!.summary);
      }
      await client.query(`INSERT INTO messages (user_id, received_at, size, raw_ciphertext, summary_ciphertext) VALUES ${tuples.join(', ')}`, values);
    }
  });
}

/** The key Worker's own code, unlocked with the user's password as the browser does it. */
async function keysOf(user: E2eUser) {
  const row = await withDb(
    async (client) => (await client.query('SELECT kdf_salt, kdf_opslimit, kdf_memlimit, wrapped_key FROM users WHERE username = $1', [user.username])).rows[0],
  );
  const state = createKeyState();
  await state.deriveLogin({
    username: user.username,
    password: user.password,
    kdf: { salt: toBase64(row.kdf_salt), opslimit: row.kdf_opslimit, memlimit: row.kdf_memlimit },
  });
  expect((await state.unlock({ wrappedKey: toBase64(row.wrapped_key) })).status).toBe('ok');
  return state;
}

/** Answers showSaveFilePicker with a real, writable file in the origin-private file system (OPFS). */
async function pickerWritingToOpfs(page: Page) {
  await page.addInitScript(() => {
    const win = window as unknown as { showSaveFilePicker: (o: { suggestedName: string }) => Promise<FileSystemFileHandle>; pickedName?: string };
    win.showSaveFilePicker = async ({ suggestedName }) => {
      win.pickedName = suggestedName;
      return (await navigator.storage.getDirectory()).getFileHandle(suggestedName, { create: true });
    };
  });
}

/** A gpg key in a throwaway home: ed25519 with a cv25519 encryption subkey, under GPG_PASSPHRASE. */
const GPG_PASSPHRASE = 'gpg passphrase';
function makeGpgKey(home: string) {
  const gpg = (args: string[]) =>
    spawnSync('gpg', ['--homedir', home, '--batch', '--no-tty', '--pinentry-mode', 'loopback', '--passphrase', GPG_PASSPHRASE, ...args]);
  expect(gpg(['--quick-gen-key', 'Old Me <me@elsewhere.example>', 'ed25519', 'default', 'never']).status).toBe(0);
  const fingerprint = /^fpr:::::::::([0-9A-F]{40}):/m.exec(gpg(['--list-secret-keys', '--with-colons']).stdout.toString())![1]!;
  expect(gpg(['--quick-add-key', fingerprint, 'cv25519', 'encr', 'never']).status).toBe(0);
  return { fingerprint, armoredKey: gpg(['--armor', '--export-secret-keys', fingerprint]).stdout.toString() };
}

async function withoutFilePicker(page: Page) {
  await page.addInitScript(() => {
    // biome-ignore lint/performance/noDelete: the property must be gone, not undefined, for `in` checks.
    delete (window as { showSaveFilePicker?: unknown }).showSaveFilePicker;
  });
}

test.describe('your key and your mail', () => {
  test.setTimeout(240_000);
  let alice: E2eUser;
  let bob: E2eUser;

  test.beforeAll(async () => {
    test.setTimeout(180_000);
    [alice, bob] = await Promise.all([newUser('alice'), newUser('bob')]);
    await seed(alice);
  });

  test('downloads the public key, and the private key only under a passphrase, with an audit event', async ({ page }) => {
    await withoutFilePicker(page);
    await openMailbox(page, alice, '/settings/data');
    await expect(page.getByRole('heading', { name: 'Your key', exact: true })).toBeVisible();
    // A phone's width: every section fits, nothing scrolls sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    await expect(page.getByRole('button', { name: 'Import', exact: true })).toBeAttached();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1280, height: 720 });

    const publicDownload = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download public key' }).click();
    const publicKey = readFileSync(await (await publicDownload).path()).toString();
    expect(publicKey).toMatch(/^-----BEGIN PGP PUBLIC KEY BLOCK-----/);

    await page.getByLabel('Passphrase for the exported key').fill('short');
    await page.getByLabel('Passphrase again').fill('short');
    await page.getByRole('button', { name: 'Export private key' }).click();
    await expect(page.getByText('Use at least 8 characters.')).toBeVisible();
    await page.getByLabel('Passphrase for the exported key').fill('a long passphrase');
    await page.getByLabel('Passphrase again').fill('a different one');
    await page.getByRole('button', { name: 'Export private key' }).click();
    await expect(page.getByText('The two passphrases differ.')).toBeVisible();

    await page.getByLabel('Passphrase again').fill('a long passphrase');
    const privateDownload = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export private key' }).click();
    const download = await privateDownload;
    expect(download.suggestedFilename()).toBe(`${alice.address}-private.asc`);
    const privateKey = readFileSync(await download.path()).toString();
    expect(privateKey).toMatch(/^-----BEGIN PGP PRIVATE KEY BLOCK-----/);
    const { readPrivateKey } = await import('openpgp');
    expect((await readPrivateKey({ armoredKey: privateKey })).isDecrypted()).toBe(false);

    const events = await withDb(
      async (client) =>
        (
          await client.query(
            "SELECT details->>'kind' AS kind FROM audit_log WHERE event = 'key.exported' AND user_id = (SELECT id FROM users WHERE username = $1) ORDER BY at",
            [alice.username],
          )
        ).rows,
    );
    expect(events.map((e) => e.kind)).toEqual(['public', 'private']);
  });

  test('1,000 messages go from one account to another through an .mbox, resuming after a reload, with no plaintext at rest', async ({ page }) => {
    await withoutFilePicker(page);
    await openMailbox(page, alice, '/settings/data');
    await page.getByLabel('Folder').selectOption('all');
    await page.getByLabel('One .mbox file').check();
    const exported = page.waitForEvent('download', { timeout: 120_000 });
    await page.getByRole('button', { name: 'Export', exact: true }).click();
    await expect(page.getByRole('progressbar', { name: 'Exporting' })).toBeVisible();
    const download = await exported;
    await expect(page.getByText(`Exported ${COUNT} messages; the file is downloading.`)).toBeVisible();
    const mboxPath = `${test.info().outputDir}/alice.mbox`;
    await download.saveAs(mboxPath);

    // Import into bob; reload once some batches are stored.
    await openMailbox(page, bob, '/settings/data');
    await page.getByLabel('Files to import').setInputFiles(mboxPath);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await expect(page.getByText(/Imported ([1-9]\d{2,}), skipped/)).toBeVisible({ timeout: 60_000 });
    await page.reload();
    await page.getByLabel('Files to import').setInputFiles(mboxPath);
    await expect(page.getByText(/An import of these files stopped after [1-9]/)).toBeVisible();
    await page.getByRole('button', { name: 'Resume import' }).click();
    await expect(page.getByText(/^Imported \d+ messages into your Inbox\./)).toBeVisible({ timeout: 120_000 });

    // The database: each message once, as sent, with its own date, readable with bob's key.
    const rows = await withDb(
      async (client) =>
        (
          await client.query<{ raw_ciphertext: Buffer; received_at: Date }>(
            'SELECT raw_ciphertext, received_at FROM messages WHERE user_id = (SELECT id FROM users WHERE username = $1)',
            [bob.username],
          )
        ).rows,
    );
    expect(rows).toHaveLength(COUNT);
    const keys = await keysOf(bob);
    const ids = new Set<string>();
    for (const row of rows) {
      const opened = await keys.decrypt({ data: new Uint8Array(row.raw_ciphertext) });
      if (opened.status !== 'ok') throw new Error('an imported message does not decrypt');
      const parsed = await parseMessage(opened.data);
      if (parsed.status !== 'ok') throw new Error('an imported message does not parse');
      const original = sent.get(parsed.message.messageId ?? '');
      expect(original && sameAsSent(parsed.message, original), `${parsed.message.messageId} arrived changed`).toBe(true);
      expect(row.received_at.getTime()).toBe(original!.date.getTime());
      ids.add(parsed.message.messageId!);
    }
    expect(ids.size).toBe(COUNT);

    // The reader opens an imported message like any other.
    await page.goto('/inbox');
    await page
      .getByText(`Report ${COUNT - 1} ${canary}`)
      .first()
      .click();
    await expect(page.getByTestId('message-text')).toContainText(`Hello ${COUNT - 1} ${canary}`);
    await expect(page.getByRole('article').getByText(`${canary}-${COUNT - 1}.bin`)).toBeVisible();

    // The canary: in the export file (control), in no table.
    expect(readFileSync(mboxPath).includes(Buffer.from(canary))).toBe(true);
    const dump = await dumpAllTables(await databaseUrl());
    expect(dump.text).toContain(bob.username);
    expect(dump.text).not.toContain(canary);
  });

  test('registers with an OpenPGP key made by GnuPG', async ({ page }) => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'sealpost-e2e-gnupg-'));
    try {
      const { fingerprint, armoredKey } = makeGpgKey(home);

      const username = uniqueName('byok');
      await page.goto('/register');
      await fillRegistration(page, username, 'e2e-password-0123', async () => {
        await page.getByLabel('Use an OpenPGP key I already have').check();
        await page.getByLabel('Your private key (armored)').fill(armoredKey);
        await page.getByLabel("The key's passphrase").fill(GPG_PASSPHRASE);
      });
      await page.getByRole('button', { name: 'Confirm and create account' }).click();
      await expect(page.getByRole('heading', { name: 'Inbox' })).toBeVisible({ timeout: 60_000 });

      const stored = await withDb(async (client) => (await client.query('SELECT public_key FROM users WHERE username = $1', [username])).rows[0]);
      const { readKey } = await import('openpgp');
      const key = await readKey({ armoredKey: stored.public_key });
      expect(key.getFingerprint().toUpperCase()).toBe(fingerprint);
      expect(key.users.map((u) => u.userID?.email)).toEqual([`${username}@localhost`]);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

test.describe('your key and your mail, small mailboxes', () => {
  test.setTimeout(240_000);
  test('the export streams into the file picked with showSaveFilePicker: a valid mbox with every message', async ({ page }) => {
    const dora = await newUser('picker');
    await seed(dora, 3);
    await pickerWritingToOpfs(page);
    await openMailbox(page, dora, '/settings/data');
    await page.getByLabel('Folder').selectOption('all');
    await page.getByLabel('One .mbox file').check();
    await page.getByRole('button', { name: 'Export', exact: true }).click();
    await expect(page.getByText('Exported 3 messages; the file is saved.')).toBeVisible({ timeout: 60_000 });
    const mbox = await page.evaluate(async () => {
      const name = (window as unknown as { pickedName: string }).pickedName;
      const file = await (await (await navigator.storage.getDirectory()).getFileHandle(name)).getFile();
      return { name, text: await file.text() };
    });
    expect(mbox.name).toMatch(/\.mbox$/);
    // mboxrd: each message opens with a "From " separator line; body lines that start so are quoted.
    const messages = mbox.text.split(/^From .*\r?\n/m).slice(1);
    expect(mbox.text.startsWith('From ')).toBe(true);
    expect(messages).toHaveLength(3);
    for (const [i, message] of messages.entries()) {
      const parsed = await parseMessage(new TextEncoder().encode(message.replace(/^>(>*From )/gm, '$1')));
      if (parsed.status !== 'ok') throw new Error(`message ${i} of the picked file does not parse`);
      const original = sent.get(parsed.message.messageId ?? '');
      expect(original && sameAsSent(parsed.message, original), `${parsed.message.messageId} changed in the picked file`).toBe(true);
    }
  });

  test('brings a gpg key to an existing account: the old message and a new one both open', async ({ page }) => {
    test.slow(); // a gpg key, an Argon2id run for the password and one for the new recovery phrase
    const home = mkdtempSync(path.join(os.tmpdir(), 'sealpost-e2e-gnupg-later-'));
    try {
      const erin = await newUser('byoklater');
      await sendWithSwaks({ to: erin.address, subject: 'Sent to the first key', body: 'Opened with the key Sealpost made.' });
      const { fingerprint, armoredKey } = makeGpgKey(home);
      await openMailbox(page, erin, '/settings/data');
      const form = page.getByRole('form', { name: 'Bring your own key' });
      await form.getByLabel('Your private key (armored)').fill(armoredKey);
      await form.getByLabel("The key's passphrase").fill('not the passphrase');
      await form.getByLabel('Your Sealpost password').fill(erin.password);
      await form.getByRole('button', { name: 'Use this key' }).click();
      await expect(form.getByText('That passphrase does not unlock the key.')).toBeVisible({ timeout: 60_000 });
      await form.getByLabel("The key's passphrase").fill(GPG_PASSPHRASE);
      await form.getByRole('button', { name: 'Use this key' }).click();
      await expect(page.getByTestId('recovery-phrase')).toBeVisible({ timeout: 90_000 });
      await page.getByLabel('I have saved my recovery phrase somewhere safe.').check();
      await page.getByRole('button', { name: 'Continue' }).click();
      await expect(page.getByText(`Key ${fingerprint} is now your key`)).toBeVisible();
      await expect(page.getByText('Your account also keeps an older key')).toBeVisible();

      const stored = await withDb(async (client) => (await client.query('SELECT public_key FROM users WHERE username = $1', [erin.username])).rows[0]);
      const { readKey } = await import('openpgp');
      expect((await readKey({ armoredKey: stored.public_key })).getFingerprint().toUpperCase()).toBe(fingerprint);
      await sendWithSwaks({ to: erin.address, subject: 'Sent to the imported key', body: 'Opened with the key gpg made.' });

      await page.goto('/inbox');
      for (const [subject, body] of [
        ['Sent to the first key', 'Opened with the key Sealpost made.'],
        ['Sent to the imported key', 'Opened with the key gpg made.'],
      ]) {
        await page.getByText(subject).first().click();
        await expect(page.getByTestId('message-text')).toContainText(body, { timeout: 30_000 });
      }
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
