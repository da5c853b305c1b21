import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../clock';
import { type OutboundHarness, startOutboundHarness } from '../../testing/outbound/harness';
import { useIsolatedDb } from '../../testing/outbound/isolated-db';
import { type PlatformHarness, api, platformCustomer, sinkDomain, startPlatform } from '../../testing/platform';
import { startWebhookDispatcher } from './webhook-dispatcher';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, verifyWebhook } from './webhook-signature';

const isolated = useIsolatedDb();
let h: OutboundHarness;
let p: PlatformHarness;

interface Received {
  body: string;
  signature: string;
  eventId: string;
  answered: number;
}

/** A webhook receiver on loopback: answers 500 to the first delivery of each event, 200 after. */
let receiver: http.Server;
let receiverUrl: string;
const received: Received[] = [];

beforeAll(async () => {
  h = await startOutboundHarness(isolated.db(), isolated.url(), {
    script: { rcpt: (address) => (address.startsWith('gone@') ? { code: 550, message: '5.1.1 No such user' } : undefined) },
  });
  p = await startPlatform(isolated.db(), h, { webhookRetryMs: 100 });
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const eventId = String(req.headers[EVENT_ID_HEADER]);
      const answered = received.some((r) => r.eventId === eventId) ? 200 : 500;
      received.push({ body, signature: String(req.headers[SIGNATURE_HEADER]), eventId, answered });
      res.writeHead(answered).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
});
afterAll(async () => {
  await p?.close();
  await h?.close();
  receiver?.closeAllConnections();
  receiver?.close();
});

describe('webhooks, bounces and suppressions', () => {
  it('signs delivered and bounced events, delivers them again after a 500, and a replay is detectable; a hard bounce suppresses the address', async () => {
    const c = await platformCustomer(isolated.db(), h);
    const hook = await api(p.url, c.key, 'POST', '/webhooks', { url: receiverUrl, events: ['delivered', 'bounced', 'suppressed'] });
    expect(hook.status).toBe(201);
    const secret = hook.body.secret as string;
    expect(secret).toMatch(/^whsec_/);
    expect((await api(p.url, c.key, 'GET', `/webhooks/${hook.body.id}`)).body).not.toHaveProperty('secret');

    const domain = sinkDomain(h);
    const ok = await api(p.url, c.key, 'POST', '/messages', { from: c.from, to: `ann@${domain}`, subject: 'Hi', text: 'hello' });
    const bounced = await api(p.url, c.key, 'POST', '/messages', { from: c.from, to: `gone@${domain}`, subject: 'Hi', text: 'hello' });
    expect([ok.status, bounced.status]).toEqual([202, 202]);

    const eventsOf = (type: string) => received.filter((r) => JSON.parse(r.body).type === type);
    // Each event is tried, answered 500, and delivered again.
    await expect.poll(() => eventsOf('delivered').filter((r) => r.answered === 200).length, { timeout: 30_000 }).toBe(1);
    await expect.poll(() => eventsOf('bounced').filter((r) => r.answered === 200).length, { timeout: 30_000 }).toBe(1);
    expect(eventsOf('delivered').map((r) => r.answered)).toEqual([500, 200]);
    expect(eventsOf('bounced').map((r) => r.answered)).toEqual([500, 200]);

    const now = Math.floor(Date.now() / 1000);
    for (const r of received) expect(verifyWebhook(secret, r.body, r.signature, now)).toMatchObject({ ok: true });
    const delivered = JSON.parse(eventsOf('delivered')[0]!.body);
    expect(delivered).toMatchObject({ type: 'delivered', message_id: ok.body.id, recipient: `ann@${domain}`, domain: c.domain });
    const bounce = JSON.parse(eventsOf('bounced')[0]!.body);
    expect(bounce).toMatchObject({ type: 'bounced', message_id: bounced.body.id, recipient: `gone@${domain}` });
    expect(bounce.detail).toMatch(/^550/);

    // Replays: a tampered body fails, an old timestamp fails, and the event id repeats.
    const first = eventsOf('delivered')[0]!;
    expect(verifyWebhook(secret, first.body.replace('ann@', 'bob@'), first.signature, now)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verifyWebhook(secret, first.body, first.signature, now + 600)).toEqual({ ok: false, reason: 'too-old' });
    expect(verifyWebhook('whsec_other', first.body, first.signature, now).ok).toBe(false);
    expect(eventsOf('delivered')[1]!.eventId).toBe(first.eventId);

    // The history shows both attempts.
    const history = await api(p.url, c.key, 'GET', `/webhooks/${hook.body.id}/deliveries`);
    const deliveredRow = history.body.deliveries.find((d: { event: string }) => d.event === 'delivered');
    expect(deliveredRow).toMatchObject({ status: 'delivered', attempts: 2, last_status: 200 });

    // The hard bounce suppressed the address: the next send to it isn't sent and gets `suppressed`.
    const list = await api(p.url, c.key, 'GET', '/suppressions');
    expect(list.body.suppressions).toEqual([expect.objectContaining({ address: `gone@${domain}`, reason: 'hard-bounce' })]);
    const next = await api(p.url, c.key, 'POST', '/messages', { from: c.from, to: `gone@${domain}`, subject: 'Again', text: 'again' });
    expect(next.body.status).toBe('suppressed');
    const status = await api(p.url, c.key, 'GET', `/messages/${next.body.id}`);
    expect(status.body.recipients).toEqual([expect.objectContaining({ address: `gone@${domain}`, status: 'suppressed' })]);
    await expect.poll(() => eventsOf('suppressed').length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await isolated.db().selectFrom('outbound_messages').select('id').where('id', '=', next.body.id).executeTakeFirst()).toBeUndefined();

    // Removing the suppression lets mail go again.
    expect((await api(p.url, c.key, 'DELETE', `/suppressions/${encodeURIComponent(`gone@${domain}`)}`)).status).toBe(204);
    const after = await api(p.url, c.key, 'POST', '/messages', { from: c.from, to: `gone@${domain}`, subject: 'Again', text: 'again' });
    expect(after.body.status).toBe('queued');

    const stats = await api(p.url, c.key, 'GET', '/stats');
    const today = stats.body.days.find((d: { tag: string | null }) => d.tag === null);
    expect(today).toMatchObject({ accepted: 3, delivered: 1, bounced: 1, suppressed: 1 });
    expect(stats.body.latency[0].p95_ms).toBeGreaterThanOrEqual(0);
  }, 90_000);

  it('never calls a loopback or private address unless WEBHOOK_ALLOW_PRIVATE says so (SSRF)', async () => {
    // Only a dispatcher as production starts it (private targets refused) claims deliveries now.
    await p.dispatcher.stop();
    const production = startWebhookDispatcher({ db: isolated.db(), clock: systemClock, log: pino({ level: 'silent' }), pollMs: 50, timeoutMs: 2000 });
    try {
      const c = await platformCustomer(isolated.db(), h);
      const before = received.length;
      const hook = await api(p.url, c.key, 'POST', '/webhooks', { url: receiverUrl, events: ['delivered'] });
      expect(hook.status).toBe(201);
      const sent = await api(p.url, c.key, 'POST', '/messages', { from: c.from, to: `ann@${sinkDomain(h)}`, subject: 'Hi', text: 'hello' });
      expect(sent.status).toBe(202);
      const attempt = async () => (await api(p.url, c.key, 'GET', `/webhooks/${hook.body.id}/deliveries`)).body.deliveries[0];
      await expect.poll(async () => (await attempt())?.last_error ?? null, { timeout: 30_000 }).toMatch(/private or loopback/);
      expect(await attempt()).toMatchObject({ status: 'pending', last_status: null });
      expect(received.length).toBe(before);
    } finally {
      await production.stop();
    }
  }, 60_000);
});
