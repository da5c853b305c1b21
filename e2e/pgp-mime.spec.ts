import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import * as openpgp from 'openpgp';
import pg from 'pg';
import PostalMime from 'postal-mime';
import { E2E } from '../playwright.config';
import { buildPgpMimeContent, buildPgpMimeMessage } from '../mime/build';
import { createDnsResolver } from '../server/mail/dns';
import { lookupWkd } from '../server/wkd/wkd-client';
import { composeMessage, outboundList } from './compose-helpers';
import { setZoneEntry } from './domain-helpers';
import { createUserWithCli, databaseUrl, uniqueName } from './helpers';
import { openMailbox } from './session';
import { type E2eSink, startE2eSink } from './sink';

/**
 * A recipient on another server whose key the sender pinned gets PGP/MIME, encrypted in the
 * sender's browser: the SMTP server on the other end (a sink on loopback, reached through the test
 * DNS server's MX) receives only ciphertext, DKIM-signed by this instance, that the recipient's own
 * key opens.
 */
const PASSWORD = 'pgp-mime-password-0123';
const run = promisify(execFile);
let sink: E2eSink;

test.beforeAll(async () => {
  sink = await startE2eSink();
});
test.afterAll(() => sink?.close());

test('mail to a pinned key holder elsewhere leaves as PGP/MIME only their key opens', async ({ page }) => {
  const username = uniqueName('pgp');
  await createUserWithCli(username, PASSWORD);
  const domain = sink.domainFor('pgp');
  const bob = `bob@${domain}`;
  await openMailbox(page, { username, password: PASSWORD });
  const { privateKey, publicKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name: 'Bob', email: bob }],
    format: 'armored',
  });

  await page.goto('/settings/keys');
  const pin = page.getByRole('form', { name: 'Pin a key' });
  await pin.getByLabel('Address').fill(bob);
  await pin.getByLabel('Public key (ASCII-armored)').fill(publicKey);
  await pin.getByRole('button', { name: 'Pin key' }).click();
  await expect(pin.getByText('Key pinned.')).toBeVisible();

  await page.goto('/');
  const canary = `canary${randomBytes(8).toString('hex')}`;
  const subject = `Plans ${canary}`;
  const compose = await composeMessage(page, { to: [bob], subject, body: `Only Bob reads ${canary}.` });
  await expect(compose.getByTestId('recipient-chip')).toHaveAttribute('data-kind', 'external-pgp', { timeout: 20_000 });
  await compose.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(page.getByTestId('outgoing-toast')).toContainText('Sending…');
  // The undo window passes, then the worker delivers it.
  await sink.waitFor((all) => all.some((m) => m.recipients.includes(bob)), 60_000);
  const [received] = sink.to(bob);
  const raw = received!.raw.toString('latin1');
  expect(received!.secure).toBe(true);
  expect(raw).toMatch(/^DKIM-Signature: .*d=localhost;/m);
  expect(raw).toContain('Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"');
  expect(raw).not.toContain(canary);

  // The signature verifies against the instance's key, published as an admin is told to.
  const record = await instanceDkimRecord();
  setZoneEntry(record.host, { TXT: [record.value] });
  const verified = await dkimVerify(received!.raw, { resolver: createDnsResolver([`127.0.0.1:${E2E.dnsPort}`]) });
  expect(verified.results.map((r) => r.status.result)).toEqual(['pass']);

  const parsed = await PostalMime.parse(received!.raw);
  const part = parsed.attachments.find((a) => a.mimeType === 'application/octet-stream')!;
  const armored = typeof part.content === 'string' ? part.content : new TextDecoder().decode(part.content);
  const { data } = await openpgp.decrypt({
    message: await openpgp.readMessage({ armoredMessage: armored }),
    decryptionKeys: await openpgp.readPrivateKey({ armoredKey: privateKey }),
  });
  expect(data).toContain(`Subject: ${subject}`);
  expect(data).toContain(canary);

  const [entry] = (await outboundList(page)).filter((m) => m.recipients.some((r) => r.address === bob));
  expect(entry?.status).toBe('delivered');
});

test('closing the tab 2 s after Send still delivers to someone here, a key holder and a plaintext recipient elsewhere, all under one Message-ID', async ({
  browser,
}) => {
  const alice = uniqueName('close');
  const bob = uniqueName('closeb');
  await Promise.all([createUserWithCli(alice, PASSWORD), createUserWithCli(bob, PASSWORD)]);
  const domain = sink.domainFor('close');
  const [keyHolder, plain] = [`kim@${domain}`, `pat@${domain}`];
  const { privateKey, publicKey } = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ email: keyHolder }], format: 'armored' });

  const context = await browser.newContext();
  const page = await context.newPage();
  await openMailbox(page, { username: alice, password: PASSWORD });
  await page.goto('/settings/keys');
  const pin = page.getByRole('form', { name: 'Pin a key' });
  await pin.getByLabel('Address').fill(keyHolder);
  await pin.getByLabel('Public key (ASCII-armored)').fill(publicKey);
  await pin.getByRole('button', { name: 'Pin key' }).click();
  await expect(pin.getByText('Key pinned.')).toBeVisible();

  await page.goto('/');
  const subject = uniqueName('Closed tab ');
  const body = `Sent, then the tab closed ${randomBytes(6).toString('hex')}`;
  const compose = await composeMessage(page, { to: [`${bob}@localhost`, keyHolder, plain], subject, body });
  const chips = compose.getByTestId('recipient-chip');
  await expect(chips.nth(0)).toHaveAttribute('data-kind', 'internal', { timeout: 20_000 });
  await expect(chips.nth(1)).toHaveAttribute('data-kind', 'external-pgp', { timeout: 20_000 });
  await expect(chips.nth(2)).toHaveAttribute('data-kind', 'external', { timeout: 20_000 });
  await compose.getByRole('button', { name: 'Send', exact: true }).click();
  const clicked = Date.now();
  await expect(page.getByTestId('outgoing-toast')).toContainText('Sending…');
  // Well inside the undo window (10 s), the tab goes away: no beforeunload prompt, nothing left to do there.
  await expect.poll(() => Date.now() - clicked, { intervals: [100] }).toBeGreaterThanOrEqual(2_000);
  await page.close({ runBeforeUnload: true });
  await context.close();

  await sink.waitFor((all) => [keyHolder, plain].every((r) => all.some((m) => m.recipients.includes(r))), 60_000);
  const plainRaw = sink.to(plain)[0]!.raw;
  const pgpRaw = sink.to(keyHolder)[0]!.raw;
  const plainParsed = await PostalMime.parse(plainRaw);
  expect(plainParsed.subject).toBe(subject);
  expect(plainParsed.text?.trim()).toBe(body);
  const messageId = plainParsed.messageId;
  expect(messageId).toMatch(/^<.+@localhost>$/);
  expect((await PostalMime.parse(pgpRaw)).messageId).toBe(messageId);
  const part = (await PostalMime.parse(pgpRaw)).attachments.find((a) => a.mimeType === 'application/octet-stream')!;
  const { data } = await openpgp.decrypt({
    message: await openpgp.readMessage({ armoredMessage: typeof part.content === 'string' ? part.content : new TextDecoder().decode(part.content) }),
    decryptionKeys: await openpgp.readPrivateKey({ armoredKey: privateKey }),
    format: 'binary',
  });
  const inner = Buffer.from(data).toString('latin1');
  expect(inner).toContain(`Message-ID: ${messageId}`);
  // The same body bytes inside the encryption as in the plaintext copy.
  const bodyOf = (raw: string) => raw.slice(raw.indexOf('\r\n\r\n') + 4);
  expect(bodyOf(inner)).toContain(body);
  expect(bodyOf(inner)).toBe(bodyOf(plainRaw.toString('latin1')));

  // Bob, here, got his copy, and Alice's Sent copy was filed, both without her tab.
  const client = new pg.Client({ connectionString: await databaseUrl() });
  await client.connect();
  try {
    const filed = async () =>
      (
        await client.query<{ username: string; folder: string }>(
          `SELECT u.username, m.folder FROM messages m JOIN users u ON u.id = m.user_id WHERE u.username = ANY($1) AND m.folder IN ('inbox', 'sent') ORDER BY u.username`,
          [[alice, bob]],
        )
      ).rows;
    await expect.poll(filed, { timeout: 30_000 }).toEqual(
      [
        { username: alice, folder: 'sent' },
        { username: bob, folder: 'inbox' },
      ].sort((a, b) => a.username.localeCompare(b.username)),
    );
  } finally {
    await client.end();
  }
  const reader = await browser.newPage();
  await openMailbox(reader, { username: bob, password: PASSWORD });
  const row = reader.getByTestId('message-row').filter({ hasText: subject });
  await row.click();
  await expect(reader.frameLocator('iframe[title="Message content"]').getByText(body)).toBeVisible();
  await reader.close();
});

test('PGP/MIME from another server opens in the browser, both layers peeled', async ({ page }) => {
  const username = uniqueName('pgpin');
  await createUserWithCli(username, PASSWORD);
  const address = `${username}@localhost`;
  // The sender finds the reader's key as any OpenPGP mail client would: in this instance's WKD.
  const found = await lookupWkd(address, { baseUrl: `http://localhost:${E2E.port}` });
  if (found.status !== 'found') throw new Error(`WKD: ${JSON.stringify(found)}`);
  const canary = `canary${randomBytes(8).toString('hex')}`;
  const inner = {
    from: { name: 'Ann Other', address: 'ann@other.example' },
    to: [{ name: '', address }],
    cc: [],
    subject: `Inside ${canary}`,
    date: new Date(),
    messageId: `<${canary}@other.example>`,
    text: `Sealed by Ann: ${canary}`,
    attachments: [],
  };
  const ciphertext = await openpgp.encrypt({
    message: await openpgp.createMessage({ binary: buildPgpMimeContent(inner) }),
    encryptionKeys: await openpgp.readKey({ armoredKey: found.publicKey }),
  });
  const file = path.join(E2E.dataDir, `${canary}.eml`);
  writeFileSync(file, buildPgpMimeMessage(inner, ciphertext as string));
  await run('swaks', [
    '--server',
    '127.0.0.1',
    '--port',
    String(E2E.smtpPort),
    '--ehlo',
    'other.example',
    '--from',
    'ann@other.example',
    '--to',
    address,
    '--data',
    `@${file}`,
  ]);

  await openMailbox(page, { username, password: PASSWORD });
  // The list shows what the server could read: the sender, and the placeholder subject.
  const row = page.getByTestId('message-row').filter({ hasText: 'Ann Other' });
  await expect(row).toBeVisible({ timeout: 60_000 });
  await row.click();
  await expect(page.getByRole('heading', { name: `Inside ${canary}` })).toBeVisible();
  await expect(page.getByTestId('sender-encrypted')).toHaveText('Encrypted end to end by the sender (OpenPGP)');
  await expect(page.getByText(`Sealed by Ann: ${canary}`)).toBeVisible();
});

/** The instance's DKIM record, as an operator gets it to publish: `npm run cli -- dkim record`. */
async function instanceDkimRecord(): Promise<{ host: string; value: string }> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'bin/cli.ts', 'dkim', 'record'], {
    env: { ...process.env, DATA_DIR: E2E.dataDir, MAIL_DOMAIN: 'localhost', LOG_LEVEL: 'warn' },
  });
  const [host, type, value] = stdout.trim().split('\t');
  expect(type).toBe('TXT');
  return { host: host!, value: value! };
}
