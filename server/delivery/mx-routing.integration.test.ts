import { queueTestMail } from '../../testing/outgoing-mail';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRecipients } from '../../db/repositories/outbound.repository';
import { createDnsResolver } from '../mail/dns';
import { createTestUser } from '../../testing/factories';
import { createDeliverer } from './deliverer';
import { SmtpPools } from './smtp-client';
import { readInbox } from '../../testing/outbound/fixtures';
import { type OutboundHarness, manualClock, startOutboundHarness } from '../../testing/outbound/harness';
import { useIsolatedDb } from '../../testing/outbound/isolated-db';
import { untilStatus } from '../../testing/outbound/until-status';
import { type SmtpSink, startSmtpSink } from '../../testing/outbound/smtp-sink';

const isolated = useIsolatedDb();
let h: OutboundHarness;
beforeAll(async () => {
  h = await startOutboundHarness(isolated.db(), isolated.url());
});
afterAll(() => h?.close());

const unique = (prefix: string) => `${prefix}${randomBytes(4).toString('hex')}.test`;

async function send(to: string[], sendAt = h.clock.now()) {
  const user = await createTestUser(isolated.db());
  const sent = await queueTestMail(isolated.db(), h.queue, h.clock, user.account, {
    from: user.account.address,
    to,
    cc: [],
    bcc: [],
    subject: 'Routing',
    text: 'Hi',
    sendAt,
  });
  return { user, sent };
}

describe('where outbound mail goes', () => {
  it("uses the domain's own address when it has no MX record (RFC 5321 implicit MX)", async () => {
    const domain = unique('nomx');
    h.zone[domain] = { A: ['127.0.0.1'] };
    const { sent } = await send([`jo@${domain}`]);
    await untilStatus(isolated.db(), sent.id, 'delivered');
    expect(h.sink.to(`jo@${domain}`)).toHaveLength(1);
  });

  it('bounces a domain that does not exist with 5.1.2', async () => {
    const domain = unique('nxdomain');
    const { user, sent } = await send([`kim@${domain}`]);
    await untilStatus(isolated.db(), sent.id, 'bounced');
    const [bounce] = await readInbox(isolated.db(), user);
    expect(bounce!.raw).toContain('Status: 5.1.2');
    expect(bounce!.raw).toContain(`The domain ${domain} does not exist.`);
  });

  it('defers, rather than bounces, when DNS fails (SERVFAIL)', async () => {
    const domain = unique('servfail');
    h.zone[domain] = { fail: 'servfail' };
    const { user, sent } = await send([`lee@${domain}`]);
    await untilStatus(isolated.db(), sent.id, 'queued');
    expect((await listRecipients(isolated.db(), [sent.id]))[0]).toMatchObject({
      status: 'deferred',
      last_reply: expect.stringMatching(/^4\.4\.3 The MX lookup/),
    });
    expect(await readInbox(isolated.db(), user)).toEqual([]);
  });
});

describe('SMTP_RELAY_URL', () => {
  let relay: SmtpSink;
  beforeAll(async () => {
    relay = await startSmtpSink({}, { auth: { user: 'relayuser', pass: 's3cret' } });
  });
  afterAll(() => relay?.close());

  it('sends every recipient through the relay in one authenticated transaction, without MX lookups', async () => {
    // Due in an hour on the harness clock, so only the relay deliverer below (an hour ahead) takes it.
    const later = new Date(h.clock.now().getTime() + 3600_000);
    const { sent } = await send([`a@${unique('r1')}`, `b@${unique('r2')}`], later);
    const pools = new SmtpPools({ heloName: 'out.sealpost.test', relayUrl: `smtp://relayuser:s3cret@127.0.0.1:${relay.port}` });
    const dnsBefore = h.dns.queries();
    try {
      const deliverer = createDeliverer({
        db: isolated.db(),
        clock: manualClock(later),
        resolve: createDnsResolver([h.dns.address]),
        log: pino({ level: 'silent' }),
        pools,
        workerId: h.presence.id,
        queue: h.queue,
        config: { port: 1, reportingMta: 'out.sealpost.test', mailDomain: 'localhost', retentionHours: 72 },
      });
      expect(await deliverer.deliver(sent.id)).toMatchObject({ outcome: 'attempted', status: 'delivered', delivered: 2 });
    } finally {
      pools.close();
    }
    expect(relay.messages).toHaveLength(1);
    expect(relay.messages[0]).toMatchObject({ user: 'relayuser', secure: true, recipients: sent.recipients.map((r) => r.address).sort() });
    expect(h.dns.queries()).toBe(dnsBefore);
  });
});
