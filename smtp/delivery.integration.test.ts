import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { countMessages, listMessages } from '../db/repositories/message.repository';
import { createTestUser, type TestUser } from '../testing/factories';
import { useTestDb } from '../testing/db';
import { decryptStored, queuedId, type Sidecar, startSidecar } from '../testing/smtp-harness';
import { sendTransaction } from '../testing/smtp-raw-client';

const db = useTestDb();
let sidecar: Sidecar;
let alice: TestUser;
let bob: TestUser;

const MIXED = 'b1_mixed';
const message = Buffer.from(
  [
    'From: "Zoë Sender" <zoe@sender.example>',
    `To: Alice <ALICE@localhost>`,
    'Cc: Carol <carol@elsewhere.example>, Dan <dan@elsewhere.example>',
    'Subject: =?UTF-8?Q?Quarterly_r=C3=A9sum=C3=A9?=',
    'Date: Tue, 03 Nov 2026 10:20:30 +0100',
    'Message-ID: <quarterly-1@sender.example>',
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${MIXED}"`,
    '',
    `--${MIXED}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Hello   Alice,',
    '',
    '.a line that starts with a dot, so it travels dot-stuffed',
    `--${MIXED}`,
    'Content-Type: application/pdf; name="report.pdf"',
    'Content-Disposition: attachment; filename="report.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.alloc(300, 7).toString('base64'),
    `--${MIXED}--`,
    '',
  ].join('\r\n'),
);

beforeAll(async () => {
  sidecar = await startSidecar(db, {
    zone: { 'spf-pass.example': { TXT: ['v=spf1 ip4:127.0.0.1 -all'] }, 'spf-fail.example': { TXT: ['v=spf1 ip4:192.0.2.1 -all'] } },
  });
  [alice, bob] = await Promise.all([createTestUser(db), createTestUser(db)]);
});
afterAll(() => sidecar?.close());

describe('a message for a local user', () => {
  it('answers 250 only once the encrypted copy is committed, and it decrypts to what was sent', async () => {
    const listener = new pg.Client({ connectionString: inject('databaseUrl') });
    await listener.connect();
    // Other test files deliver into the same database at the same time: collect every notification.
    const notified: string[] = [];
    listener.on('notification', (n) => notified.push(n.payload ?? ''));
    await listener.query('LISTEN new_mail');

    const client = await sidecar.connectEhlo();
    const sent = Buffer.from(message.toString('utf8').replace('ALICE', alice.username.toUpperCase()));
    const tx = await sendTransaction(client, { from: 'zoe@sender.example', to: [`${alice.username.toUpperCase()}@LocalHost`] }, sent);
    expect(tx.rcpt[0]?.text).toBe('250 2.1.5 Accepted');
    const id = queuedId(tx.final);
    client.close();

    await expect.poll(() => notified, { timeout: 10_000 }).toContain(alice.account.id);
    await listener.end();

    const stored = await decryptStored(db, alice, id);
    const header = stored.raw.subarray(0, stored.raw.length - sent.length).toString('utf8');
    expect(header).toMatch(/^Authentication-Results: localhost;\r\n /);
    expect(header).toMatch(/spf=none/);
    expect(header).toMatch(/dkim=none/);
    expect(header.endsWith('\r\n')).toBe(true);
    expect(stored.raw.subarray(stored.raw.length - sent.length).equals(sent)).toBe(true);
    expect(stored.row.size).toBe(sent.length);
    expect(stored.row.folder).toBe('inbox');
    expect(stored.row.seen).toBe(false);

    expect(stored.summary).toEqual({
      v: 1,
      from: [{ name: 'Zoë Sender', address: 'zoe@sender.example' }],
      to: [{ name: 'Alice', address: `${alice.username.toUpperCase()}@localhost` }],
      cc: [
        { name: 'Carol', address: 'carol@elsewhere.example' },
        { name: 'Dan', address: 'dan@elsewhere.example' },
      ],
      subject: 'Quarterly résumé',
      date: '2026-11-03T09:20:30.000Z',
      snippet: 'Hello Alice, .a line that starts with a dot, so it travels dot-stuffed',
      attachments: [{ filename: 'report.pdf', size: 300, contentType: 'application/pdf' }],
      auth: { spf: 'none', dkim: 'none', dmarc: 'none', arc: 'none' },
      messageId: '<quarterly-1@sender.example>',
      references: [],
      parsed: true,
    });
    // The lookups really went to the DNS server on loopback.
    expect(sidecar.dns.queries()).toBeGreaterThan(0);
  });

  it('stores one copy per recipient in one transaction, each readable only by its owner', async () => {
    const client = await sidecar.connectEhlo();
    const tx = await sendTransaction(
      client,
      { from: 'zoe@sender.example', to: [`${alice.username}@localhost`, `${bob.username}@localhost`] },
      Buffer.from('Subject: for two\r\n\r\nhi both\r\n'),
    );
    queuedId(tx.final);
    client.close();

    const [forAlice] = await listMessages(db, alice.account.id, { folder: 'inbox', limit: 1 });
    const [forBob] = await listMessages(db, bob.account.id, { folder: 'inbox', limit: 1 });
    expect(forAlice && forBob).toBeTruthy();
    expect(forAlice!.received_at.getTime()).toBe(forBob!.received_at.getTime());
    expect((await decryptStored(db, alice, forAlice!.id)).summary.subject).toBe('for two');
    expect((await decryptStored(db, bob, forBob!.id)).summary.subject).toBe('for two');
    // Alice's key can't open Bob's copy.
    await expect(decryptStored(db, { ...bob, privateKeyArmored: alice.privateKeyArmored }, forBob!.id)).rejects.toThrow('does not decrypt');
  });

  it('records SPF results from the DNS server on loopback', async () => {
    const client = await sidecar.connectEhlo();
    const pass = await sendTransaction(client, { from: 'news@spf-pass.example', to: [`${alice.username}@localhost`] }, Buffer.from('Subject: p\r\n\r\nx\r\n'));
    const fail = await sendTransaction(client, { from: 'news@spf-fail.example', to: [`${alice.username}@localhost`] }, Buffer.from('Subject: f\r\n\r\nx\r\n'));
    client.close();
    const passed = await decryptStored(db, alice, queuedId(pass.final));
    const failed = await decryptStored(db, alice, queuedId(fail.final));
    expect(passed.summary.auth.spf).toBe('pass');
    expect(passed.raw.toString('utf8')).toMatch(/^Authentication-Results: localhost;[\s\S]*spf=pass/);
    expect(failed.summary.auth.spf).toBe('fail');
  });

  it('keeps the connection usable for further transactions', async () => {
    const before = await countMessages(db, bob.account.id, 'inbox');
    const client = await sidecar.connectEhlo();
    for (let i = 0; i < 3; i++) {
      const tx = await sendTransaction(client, { from: '', to: [`${bob.username}@localhost`] }, Buffer.from(`Subject: n${i}\r\n\r\nx\r\n`));
      queuedId(tx.final);
    }
    expect((await client.command('QUIT')).code).toBe(221);
    expect(await countMessages(db, bob.account.id, 'inbox')).toEqual({ total: before.total + 3, unread: before.unread + 3 });
  });

  it('still stores a message the MIME parser chokes on, with a summary from the envelope', async () => {
    const parts = Array.from({ length: 1001 }, (_, i) => `--b\r\nContent-Type: text/plain\r\n\r\npart ${i}\r\n`).join('');
    const hostile = Buffer.from(`From: x@y.example\r\nSubject: hostile\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n${parts}--b--\r\n`);
    const client = await sidecar.connectEhlo();
    const tx = await sendTransaction(client, { from: 'bounces@hostile.example', to: [`${alice.username}@localhost`] }, hostile);
    client.close();
    const stored = await decryptStored(db, alice, queuedId(tx.final));
    expect(stored.raw.subarray(stored.raw.length - hostile.length).equals(hostile)).toBe(true);
    expect(stored.summary).toMatchObject({ parsed: false, subject: null, from: [{ name: '', address: 'bounces@hostile.example' }] });
  });

  it('logs ids, sizes and codes, never addresses or content', async () => {
    const logged = sidecar.logs.join('\n');
    expect(logged).toMatch(/"msg":"message stored"/);
    expect(logged).not.toContain(alice.username);
    expect(logged).not.toContain('sender.example');
    expect(logged).not.toContain('Quarterly');
  });
});
