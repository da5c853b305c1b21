import { createHash, randomBytes } from 'node:crypto';
import { type Page, type Request, expect, test } from '@playwright/test';
import { dumpAllTables } from '../testing/dump';
import pg from 'pg';
import { databaseUrl, signIn, signOut } from './helpers';
import { forgetSession, newUser } from './session';
import { E2E } from '../playwright.config';
import { sendBatch } from './smtp-batch';

/**
 * Search against the whole system: 1,000 messages arrive over SMTP, the browser indexes them (the
 * server sees ciphertext only), operators narrow the results, and a second browser that signs in
 * takes the encrypted index the first one uploaded instead of decrypting the mail again. Signed
 * out, a browser keeps only ciphertext; a revoked session gets no index key.
 */
test.setTimeout(600_000);

const TOTAL = 1000;
const word = (prefix: string) => `${prefix}${randomBytes(5).toString('hex')}`.replace(/[0-9]/g, (d) => 'ghijklmnop'[Number(d)]!);

function message(to: string, n: number, over: { from?: string; subject?: string; body?: string; date?: string; attachment?: string } = {}) {
  const from = over.from ?? 'Bulk Sender <bulk@outside.example>';
  const headers = [
    `From: ${from}`,
    `To: ${to}`,
    `Subject: ${over.subject ?? `Newsletter ${n}`}`,
    `Date: ${new Date(over.date ?? Date.UTC(2026, 9, 1) + n * 60_000).toUTCString()}`,
    `Message-ID: <seed-${n}-${randomBytes(4).toString('hex')}@outside.example>`,
  ];
  const body = over.body ?? `Issue ${n} of the newsletter. Weather, markets and the usual notes for the week.`;
  const data = over.attachment
    ? [
        ...headers,
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain; charset=utf-8',
        '',
        body,
        '--b',
        `Content-Type: application/pdf; name="${over.attachment}"`,
        `Content-Disposition: attachment; filename="${over.attachment}"`,
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from('%PDF-1.4 seed').toString('base64'),
        '--b--',
        '',
      ].join('\n')
    : [...headers, '', body].join('\n');
  return { from: 'bulk@outside.example', to, data };
}

const hashesOf = (value: string) =>
  ['md5', 'sha1', 'sha256', 'sha512'].flatMap((algorithm) => {
    const digest = createHash(algorithm).update(value).digest();
    return [digest.toString('hex'), digest.toString('base64'), digest.toString('base64url')];
  });

async function search(page: Page, query: string) {
  const box = page.getByLabel('Search mail');
  await box.fill(query);
  return page.getByTestId('search-result');
}

test('1,000 messages over SMTP: indexed in the browser, found by word, attachment name and operators; nothing readable leaves it; a second browser syncs', async ({
  page,
  browser,
}) => {
  const alice = await newUser('find');
  const bodyWord = word('zq');
  const fileWord = word('zf');
  const seeds = Array.from({ length: TOTAL }, (_, n) => message(alice.address, n));
  seeds[500] = message(alice.address, 500, {
    from: 'Quinn <quinn@far.example>',
    body: `The code word is ${bodyWord}, keep it safe. Quarterly report attached later.`,
  });
  seeds[501] = message(alice.address, 501, { body: 'Quarterly report from the bulk sender.' });
  seeds[700] = message(alice.address, 700, { subject: 'Invoice', body: 'Invoice enclosed.', attachment: `${fileWord}.pdf` });
  seeds[701] = message(alice.address, 701, { subject: 'Invoice reminder', body: 'Invoice to follow, nothing attached.' });
  seeds[10] = message(alice.address, 10, { body: 'Harvest festival notes', date: '2025-03-01T10:00:00Z' });
  seeds[11] = message(alice.address, 11, { body: 'Harvest festival plans', date: '2026-11-20T10:00:00Z' });
  seeds[300] = message(alice.address, 300, { body: 'At dawn the amber falcon rises over the hills.' });
  seeds[301] = message(alice.address, 301, { body: 'The falcon is not amber at all.' });
  const seeding = performance.now();
  await sendBatch(E2E.smtpPort, seeds);
  test.info().annotations.push({ type: 'seed', description: `${TOTAL} messages over SMTP in ${Math.round(performance.now() - seeding)} ms` });

  // Every request the browsers send, to check no word (or hash of one) goes out in any of them.
  const sent: string[] = [];
  const record = (request: Request) => sent.push(`${request.url()}\n${request.postData() ?? ''}`);
  page.on('request', record);

  await signIn(page, alice.username, alice.password);
  const status = page.getByTestId('search-status');
  const indexing = performance.now();
  // The first build shows its progress and pauses; a reload resumes it where it stopped.
  await expect(status).toContainText(/Indexing [\d,]+ of 1,000/);
  await status.getByRole('button', { name: 'Pause' }).click();
  await expect(status).toHaveAttribute('data-phase', 'paused');
  await expect(status).toContainText(/Paused at [\d,]+ of 1,000/);
  const beforeReload = Number(await status.getAttribute('data-decrypted'));
  await page.reload();
  await expect(status).toHaveAttribute('data-phase', 'ready', { timeout: 420_000 });
  await expect(status).toHaveAttribute('data-done', String(TOTAL));
  test
    .info()
    .annotations.push({ type: 'index', description: `first build of ${TOTAL} in ${Math.round(performance.now() - indexing)} ms (paused and reloaded once)` });
  const afterReload = Number(await status.getAttribute('data-decrypted'));
  // Resumed, not restarted: after the reload only what was not indexed yet was decrypted.
  expect(beforeReload).toBeGreaterThan(0);
  expect(afterReload).toBeLessThan(TOTAL);
  expect(afterReload + beforeReload).toBeGreaterThanOrEqual(TOTAL);
  const decryptedFirst = beforeReload + afterReload;

  // `/` focuses the box; the unique body word and the attachment name each find their message.
  await page.keyboard.press('/');
  await expect(page.getByLabel('Search mail')).toBeFocused();
  for (const [query, subject] of [
    [bodyWord, 'Newsletter 500'],
    [fileWord, 'Invoice'],
    [bodyWord.slice(0, -3), 'Newsletter 500'], // prefix, as you type
  ] as const) {
    const started = performance.now();
    const results = await search(page, query);
    await expect(results).toHaveCount(1);
    await expect(results.first()).toContainText(subject);
    test
      .info()
      .annotations.push({ type: 'query', description: `"${query.length > 8 ? 'word' : query}" shown in ${Math.round(performance.now() - started)} ms` });
  }
  await expect((await search(page, bodyWord)).first().locator('mark')).toHaveText(bodyWord);

  // Operators narrow: each query below matches two messages without its operator, one with it.
  const only = async (query: string, subject: string) => {
    const results = await search(page, query);
    await expect(results).toHaveCount(1);
    await expect(results.first()).toContainText(subject);
  };
  await expect(await search(page, 'quarterly report')).toHaveCount(2);
  await only('quarterly report from:quinn', 'Newsletter 500');
  await expect(await search(page, 'invoice')).toHaveCount(2);
  await only('invoice has:attachment', 'Invoice');
  await expect(await search(page, 'harvest festival')).toHaveCount(2);
  await only('harvest festival before:2026-01-01', 'Newsletter 10');
  await expect(await search(page, 'amber falcon')).toHaveCount(2);
  await only('"amber falcon"', 'Newsletter 300');

  // A result opens in the reading pane.
  await (await search(page, bodyWord)).first().click();
  await expect(page.getByTestId('message-text')).toContainText(`The code word is ${bodyWord}, keep it safe.`);

  // The canary: neither word, as text, hex or any common hash, is in the database or in a request.
  const dump = await dumpAllTables(await databaseUrl());
  expect(dump.tables).toContain('search_index_segments');
  expect(dump.text).toContain(alice.username); // control: plaintext columns are in the dump
  const haystack = dump.text.toLowerCase();
  const outgoing = sent.join('\n').toLowerCase();
  for (const secret of [bodyWord, fileWord]) {
    for (const needle of [secret, Buffer.from(secret).toString('hex'), ...hashesOf(secret)]) {
      expect(haystack.includes(needle.toLowerCase()), `database holds ${needle === secret ? 'the word' : 'an encoding of it'}`).toBe(false);
      expect(outgoing.includes(needle.toLowerCase()), `a request carried ${needle === secret ? 'the word' : 'an encoding of it'}`).toBe(false);
    }
  }

  // Sync: a second browser signs in and finds the word without decrypting the 1,000 again.
  const second = await browser.newContext();
  const page2 = await second.newPage();
  page2.on('request', record);
  const syncing = performance.now();
  await signIn(page2, alice.username, alice.password);
  const status2 = page2.getByTestId('search-status');
  await expect(status2).toHaveAttribute('data-phase', 'ready', { timeout: 120_000 });
  test.info().annotations.push({ type: 'sync', description: `second browser ready in ${Math.round(performance.now() - syncing)} ms (sign-in included)` });
  await expect(status2).toHaveAttribute('data-done', String(TOTAL));
  const decryptedSecond = Number(await status2.getAttribute('data-decrypted'));
  test.info().annotations.push({ type: 'decryptions', description: `first browser ${decryptedFirst}, second browser ${decryptedSecond}` });
  expect(decryptedSecond).toBe(0);
  await page2.getByLabel('Search mail').fill(bodyWord);
  await expect(page2.getByTestId('search-result')).toHaveCount(1);
  expect(sent.join('\n').toLowerCase().includes(bodyWord)).toBe(false);

  // Sign-out forgets the index key: the first browser keeps the sealed segments, nothing that opens them.
  await signOut(page);
  const local = await page.evaluate(storedInThisBrowser);
  expect(local.searchRecords).toBeGreaterThan(1);
  expect(local.readable).toEqual([]);
  expect(local.cryptoKeys).toBe(0);
  expect(local.keyLike).toEqual([]);
  expect(await page.evaluate(() => sessionStorage.getItem('sealpost.session'))).toBeNull();

  // A revoked session can't open the index: its key request gets 401, and reloaded, its tab ends
  // without reading a segment.
  const vaultKey = `/api/trpc/conversations.vaultKey?input=${encodeURIComponent(JSON.stringify({ purpose: 'search-index' }))}`;
  expect((await page2.request.get(vaultKey)).status()).toBe(200);
  await revokeSessionsOf(alice.username);
  forgetSession(alice);
  expect((await page2.request.get(vaultKey)).status()).toBe(401);
  const afterRevoke: string[] = [];
  page2.on('request', (request) => afterRevoke.push(request.url()));
  await page2.reload();
  await expect(page2).toHaveURL(/\/login/);
  expect(afterRevoke.filter((url) => url.includes('searchIndex.'))).toEqual([]);
  await second.close();
});

/** Runs in the page: what IndexedDB and storage hold for this origin. */
async function storedInThisBrowser() {
  const request = <T>(r: IDBRequest<T>) =>
    new Promise<T>((resolve, reject) => {
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
  const out = { searchRecords: 0, readable: [] as string[], cryptoKeys: 0, keyLike: [] as string[] };
  const walk = (value: unknown, where: string): void => {
    if (value instanceof CryptoKey) out.cryptoKeys++;
    else if (value instanceof Uint8Array || value instanceof ArrayBuffer) {
      if (value.byteLength === 32) out.keyLike.push(where);
    } else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, `${where}.${k}`);
  };
  for (const info of await indexedDB.databases()) {
    const db = await request(indexedDB.open(info.name!));
    for (const store of db.objectStoreNames) {
      for (const value of await request(db.transaction(store).objectStore(store).getAll())) {
        walk(value, `${info.name}/${store}`);
        if (!info.name!.startsWith('sealpost-search-')) continue;
        out.searchRecords++;
        // Plaintext would be JSON (a segment or the manifest); AES-GCM output is not even UTF-8.
        try {
          JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode((value as { data: Uint8Array }).data));
          out.readable.push((value as { id: string }).id);
        } catch {}
      }
    }
    db.close();
  }
  for (const [k, v] of Object.entries(localStorage)) if (/^[A-Za-z0-9+/_-]{42,44}={0,2}$/.test(v)) out.keyLike.push(`localStorage.${k}`);
  return out;
}

async function revokeSessionsOf(username: string) {
  const client = new pg.Client({ connectionString: await databaseUrl() });
  await client.connect();
  try {
    await client.query('UPDATE sessions SET revoked_at = now() WHERE user_id = (SELECT id FROM users WHERE username = $1) AND revoked_at IS NULL', [username]);
  } finally {
    await client.end();
  }
}
