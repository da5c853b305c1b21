import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import PostalMime from 'postal-mime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OutboundHarness, startOutboundHarness } from '../../testing/outbound/harness';
import { useIsolatedDb } from '../../testing/outbound/isolated-db';
import { createTestUser } from '../../testing/factories';
import { env } from '../env';
import { settingsFrom } from '../settings';
import { createApiKey, listKeys, revokeKey } from './api-keys';
import { publishInstanceDkim } from '../../testing/outbound/fixtures';
import { prunePlatformHistory } from '../../db/repositories/platform.repository';
import { HISTORY_RETENTION_MS } from './webhook-dispatcher';
import { KEY_CACHE_TTL_MS } from './key-cache';
import { type PlatformHarness, api, platformCustomer, sinkDomain, startPlatform } from '../../testing/platform';

const run = promisify(execFile);
const isolated = useIsolatedDb();
let h: OutboundHarness;
let p: PlatformHarness;
beforeAll(async () => {
  h = await startOutboundHarness(isolated.db(), isolated.url());
  p = await startPlatform(isolated.db(), h);
});
afterAll(async () => {
  await p?.close();
  await h?.close();
});

/** dkimpy (python3-dkim) verifies a message, asking the loopback DNS server for the key. */
async function dkimpy(raw: Buffer): Promise<string> {
  const child = spawn('/usr/bin/python3', ['testing/outbound/dkim_verify.py', h.dns.address.split(':')[1]!], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stdin.end(raw);
  await new Promise((resolve) => child.on('close', resolve));
  return out.trim();
}

describe('the sending API', () => {
  it('sends a templated message with curl: it reaches the MX found through DNS, DKIM-signed for the customer, and dkimpy verifies it', async () => {
    const c = await platformCustomer(isolated.db(), h);
    const created = await api(p.url, c.key, 'POST', '/templates', {
      name: 'welcome',
      subject: 'Welcome, {{name}}',
      html: '<p>Hello {{name}}, your order {{order}} is on its way.</p>',
    });
    expect(created.status).toBe(201);
    const to = `ann@${sinkDomain(h)}`;
    const body = JSON.stringify({ from: `Shop <${c.from}>`, to, template_id: 'welcome', variables: { name: 'Ann <b>', order: 'A-17' }, tags: ['welcome'] });
    const { stdout } = await run('curl', [
      '-sS',
      '-X',
      'POST',
      `${p.url}/api/v1/messages`,
      '-H',
      `Authorization: Bearer ${c.key}`,
      '-H',
      'Content-Type: application/json',
      '-d',
      body,
      '-w',
      '\n%{http_code}',
    ]);
    const [json, code] = stdout.trim().split('\n');
    expect(code).toBe('202');
    const { id } = JSON.parse(json!) as { id: string };

    await h.sink.waitFor((all) => all.some((m) => m.recipients.includes(to)));
    const [received] = h.sink.to(to);
    expect(received!.envelopeFrom).toBe(c.from);
    expect(await dkimpy(received!.raw)).toBe('pass');
    expect(received!.raw.toString('latin1')).toMatch(new RegExp(`d=${c.domain.replace(/\./g, '\\.')};`));
    const parsed = await PostalMime.parse(received!.raw);
    expect(parsed.subject).toBe('Welcome, Ann <b>');
    // HTML variables are escaped; the text part is made from the HTML.
    expect(parsed.html).toContain('Hello Ann &lt;b&gt;, your order A-17');
    expect(parsed.text).toContain('Hello Ann <b>, your order A-17 is on its way.');

    await expect.poll(async () => (await api(p.url, c.key, 'GET', `/messages/${id}`)).body.recipients[0]?.status).toBe('delivered');
    const status = await api(p.url, c.key, 'GET', `/messages/${id}`);
    expect(status.body.recipients[0].events.map((e: { type: string }) => e.type)).toEqual(['accepted', 'delivered']);
    // The sealed copy is gone once delivery ended.
    const row = await isolated.db().selectFrom('outbound_messages').select('sealed_mime').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.sealed_mime).toBeNull();
  });

  it('delivers a batch of 1,000 with their own variables as 1,000 distinct bodies, each once; the same request with its Idempotency-Key sends nothing more', async () => {
    const c = await platformCustomer(isolated.db(), h);
    const domain = sinkDomain(h, 'batch');
    const recipients = Array.from({ length: 1000 }, (_, i) => ({ to: `r${i}@${domain}`, variables: { n: `token-${i}-x` } }));
    await api(p.url, c.key, 'POST', '/templates', { name: 'code', subject: 'Code {{n}}', text: 'Your code is {{n}}.' });
    const body = { from: c.from, template_id: 'code', recipients };
    const first = await api(p.url, c.key, 'POST', '/messages/batch', body, { 'idempotency-key': 'batch-1' });
    expect(first.status).toBe(202);
    expect(first.body.messages).toHaveLength(1000);

    const mine = () => h.sink.messages.filter((m) => m.recipients[0]!.endsWith(`@${domain}`));
    await h.sink.waitFor(() => mine().length >= 1000, 120_000);
    const bodies = new Set(mine().map((m) => /Your code is (token-\d+-x)\./.exec(m.raw.toString('latin1'))?.[1]));
    expect(bodies.size).toBe(1000);
    for (const m of mine()) expect(m.raw.toString('latin1')).toContain(`Your code is token-${m.recipients[0]!.slice(1, m.recipients[0]!.indexOf('@'))}-x.`);

    const again = await api(p.url, c.key, 'POST', '/messages/batch', body, { 'idempotency-key': 'batch-1' });
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    const count = await isolated
      .db()
      .selectFrom('platform_messages')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('domain', '=', c.domain)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1000);
    // The same key with another body is refused rather than replayed.
    const other = await api(p.url, c.key, 'POST', '/messages/batch', { ...body, recipients: recipients.slice(0, 1) }, { 'idempotency-key': 'batch-1' });
    expect(other.status).toBe(409);
    expect(mine()).toHaveLength(1000);
  }, 180_000);

  it('sends once for concurrent requests with one Idempotency-Key, spread over two API nodes, and answers them all alike', async () => {
    const c = await platformCustomer(isolated.db(), h);
    const other = await startPlatform(isolated.db(), h);
    try {
      const to = `once@${sinkDomain(h)}`;
      const body = { from: c.from, to, subject: 'Once', text: 'only once' };
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) => api(i % 2 ? other.url : p.url, c.key, 'POST', '/messages', body, { 'idempotency-key': 'order-7' })),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(12).fill(202));
      expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
      const rows = await isolated.db().selectFrom('platform_messages').select('id').where('domain', '=', c.domain).execute();
      expect(rows.map((r) => r.id)).toEqual([answers[0]!.body.id]);
      const outbound = await isolated.db().selectFrom('outbound_recipients').select('outbound_id').where('address', '=', to).execute();
      expect(outbound).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it('answers bad input with JSON 4xx naming the field, a bad key with 401, a missing scope with 403 and a spent rate with 429 and Retry-After', async () => {
    const c = await platformCustomer(isolated.db(), h, { ratePerMinute: 2 });
    const bad = await api(p.url, c.key, 'POST', '/messages', { from: c.from, to: ['x@example.com'], attachments: [{ filename: 'a' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues.map((i: { path: string }) => i.path)).toContain('attachments.0.content');
    const wrongFrom = await api(p.url, c.key, 'POST', '/messages', { from: 'someone@elsewhere.test', to: 'x@example.com', subject: 's', text: 't' });
    expect(wrongFrom.status).toBe(403);
    expect(wrongFrom.body.error.issues[0].path).toBe('from');
    const limited = await api(p.url, c.key, 'GET', '/messages');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);

    expect((await api(p.url, 'sp_not-a-key', 'GET', '/messages')).status).toBe(401);
    expect((await api(p.url, null, 'GET', '/messages')).status).toBe(401);
    const statsOnly = await platformCustomer(isolated.db(), h, { scopes: ['stats'] });
    const forbidden = await api(p.url, statsOnly.key, 'POST', '/messages', { from: statsOnly.from, to: 'x@example.com', subject: 's', text: 't' });
    expect(forbidden.status).toBe(403);
    expect((await api(p.url, statsOnly.key, 'GET', '/stats')).status).toBe(200);
  });

  it('makes a key from the CLI, printed once and stored only as a hash; it records last use, and a revoked key gets 401', async () => {
    const c = await platformCustomer(isolated.db(), h);
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', 'bin/cli.ts', 'apikey', 'create', c.domain, '--scopes', 'send,stats', '--name', 'deploy'],
      {
        env: { ...process.env, DATABASE_URL: isolated.url(), LOG_LEVEL: 'silent' },
      },
    );
    const key = stdout.trim();
    expect(key).toMatch(/^sp_[\w-]{32}$/);
    expect(stderr).toContain(`for ${c.domain} (scopes: send, stats`);
    const rows = await isolated.db().selectFrom('api_keys').selectAll().where('domain', '=', c.domain).where('name', '=', 'deploy').execute();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows[0])).not.toContain(key.slice(3));
    expect(rows[0]!.last_used_at).toBeNull();

    expect((await api(p.url, key, 'GET', '/messages')).status).toBe(200);
    const used = await isolated.db().selectFrom('api_keys').select('last_used_at').where('id', '=', rows[0]!.id).executeTakeFirstOrThrow();
    expect(used.last_used_at).toBeInstanceOf(Date);
    // A key without the scope can't manage templates.
    expect((await api(p.url, key, 'POST', '/templates', { name: 'x', subject: 's', text: 't' })).status).toBe(403);

    await revokeKey(isolated.db(), h.clock, settingsFrom(env()), c.user.account, c.domain, rows[0]!.id);
    expect((await api(p.url, key, 'GET', '/messages')).status).toBe(401);
    // Another user can't list or revoke this domain's keys.
    const stranger = await createTestUser(isolated.db());
    await expect(listKeys(isolated.db(), settingsFrom(env()), stranger.account, c.domain)).rejects.toThrow(/isn't one of your domains/);
  });

  it('forgets a deleted domain’s keys, templates, webhooks and suppressions, and prunes history past its retention', async () => {
    const db = isolated.db();
    const c = await platformCustomer(db, h);
    await api(p.url, c.key, 'POST', '/templates', { name: 't', subject: 's', text: 't' });
    await api(p.url, c.key, 'POST', '/webhooks', { url: 'http://127.0.0.1:9/x' });
    await api(p.url, c.key, 'POST', '/suppressions', { address: 'x@example.com' });
    const sent = await api(
      p.url,
      c.key,
      'POST',
      '/messages',
      { from: c.from, to: `old@${sinkDomain(h)}`, subject: 's', text: 't' },
      { 'idempotency-key': 'old' },
    );
    expect(sent.status).toBe(202);

    const long = new Date(Date.now() + HISTORY_RETENTION_MS + 86_400_000);
    expect(await prunePlatformHistory(db, long, long)).toMatchObject({ keys: expect.any(Number) });
    expect(await db.selectFrom('platform_messages').select('id').where('id', '=', sent.body.id).executeTakeFirst()).toBeUndefined();
    expect(await db.selectFrom('idempotency_keys').select('key_id').where('key_id', '=', c.keyId).executeTakeFirst()).toBeUndefined();

    const domainRow = await db.selectFrom('domains').select('id').where('name', '=', c.domain).executeTakeFirstOrThrow();
    await db.deleteFrom('addresses').where('domain_id', '=', domainRow.id).execute();
    await db.deleteFrom('domains').where('id', '=', domainRow.id).execute();
    for (const table of ['templates', 'webhooks', 'suppressions', 'api_keys'] as const) {
      expect(await db.selectFrom(table).select('domain').where('domain', '=', c.domain).execute()).toEqual([]);
    }
    // Deleted behind the API's back (no revocation in this process): the key cache lets it go once
    // its entry is older than KEY_CACHE_TTL_MS, as another node's would.
    expect((await api(p.url, c.key, 'GET', '/messages')).status).toBe(200);
    h.clock.advance(KEY_CACHE_TTL_MS);
    expect((await api(p.url, c.key, 'GET', '/messages')).status).toBe(401);
  });

  it('lets an administrator make a key for the instance’s MAIL_DOMAIN (signed with its own key), and no one else; attachments and custom headers go through', async () => {
    const db = isolated.db();
    const settings = settingsFrom(env());
    const admin = await createTestUser(db, { isAdmin: true });
    const plain = await createTestUser(db);
    await expect(createApiKey(db, h.clock, settings, plain.account, { domain: settings.mailDomain, name: 'x', scopes: ['send'] })).rejects.toThrow(
      /Only an administrator/,
    );
    const { secret } = await createApiKey(db, h.clock, settings, admin.account, { domain: settings.mailDomain, name: 'system', scopes: ['send'] });
    await publishInstanceDkim(db, h.zone);
    const to = `ops@${sinkDomain(h)}`;
    const sent = await api(p.url, secret, 'POST', '/messages', {
      from: `Alerts <alerts@${settings.mailDomain}>`,
      to,
      subject: 'Disk space',
      html: '<p>Low on <b>disk</b></p>',
      attachments: [{ filename: 'report.csv', content: Buffer.from('host,free\na,1%\n').toString('base64'), content_type: 'text/csv' }],
      headers: { 'List-Unsubscribe': '<mailto:unsubscribe@localhost>', 'X-Alert': 'disk' },
    });
    expect(sent.status).toBe(202);
    await h.sink.waitFor((all) => all.some((m) => m.recipients.includes(to)));
    const raw = h.sink.to(to)[0]!.raw;
    expect(await dkimpy(raw)).toBe('pass');
    const parsed = await PostalMime.parse(raw);
    expect(parsed.from?.address).toBe(`alerts@${settings.mailDomain}`);
    expect(parsed.text).toContain('Low on disk');
    expect(parsed.attachments.map((a) => [a.filename, a.mimeType, Buffer.from(a.content as ArrayBuffer).toString()])).toEqual([
      ['report.csv', 'text/csv', 'host,free\na,1%\n'],
    ]);
    expect(parsed.headers.find((x) => x.key === 'x-alert')?.value).toBe('disk');
    expect(parsed.headers.find((x) => x.key === 'list-unsubscribe')?.value).toBe('<mailto:unsubscribe@localhost>');
  });

  it('cancels a message while it waits for send_at, and then it never goes', async () => {
    const c = await platformCustomer(isolated.db(), h);
    const to = `later@${sinkDomain(h)}`;
    const sendAt = new Date(h.clock.now().getTime() + 3_600_000).toISOString();
    const sent = await api(p.url, c.key, 'POST', '/messages', { from: c.from, to, subject: 'Later', text: 'later', send_at: sendAt });
    expect(sent.body.status).toBe('scheduled');
    const cancelled = await api(p.url, c.key, 'POST', `/messages/${sent.body.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(cancelled.body.recipients[0].status).toBe('cancelled');
    const row = await isolated.db().selectFrom('outbound_messages').select(['status', 'sealed_mime']).where('id', '=', sent.body.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'cancelled', sealed_mime: null });
  });
  it('composes at delivery: a scheduled message whose template is deleted meanwhile fails with the reason, and its recipient is not suppressed', async () => {
    const c = await platformCustomer(isolated.db(), h);
    await api(p.url, c.key, 'POST', '/templates', { name: 'gone', subject: 'Hi {{name}}', text: 'Hello {{name}}' });
    const to = `soon@${sinkDomain(h)}`;
    const sendAt = new Date(h.clock.now().getTime() + 3_600_000).toISOString();
    const sent = await api(p.url, c.key, 'POST', '/messages', { from: c.from, to, template_id: 'gone', variables: { name: 'Ann' }, send_at: sendAt });
    expect(sent.body.status).toBe('scheduled');
    expect((await api(p.url, c.key, 'DELETE', '/templates/gone')).status).toBe(204);
    h.clock.advance(3_600_000 + 1000);
    expect(await h.deliverer.deliver(sent.body.id)).toMatchObject({ outcome: 'attempted', status: 'bounced', failed: 1 });
    const status = await api(p.url, c.key, 'GET', `/messages/${sent.body.id}`);
    expect(status.body.recipients[0].status).toBe('failed');
    expect(status.body.recipients[0].events.at(-1).detail).toMatch(/template was deleted/);
    expect((await api(p.url, c.key, 'GET', '/suppressions')).body.suppressions).toEqual([]);
    expect(h.sink.to(to)).toEqual([]);
  });
});
