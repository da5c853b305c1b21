import { type TestMail, queueTestMail } from '../../testing/outgoing-mail';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { dkimVerify } from 'mailauth/lib/dkim/verify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertAddress, updateAddress } from '../../db/repositories/address.repository';
import { findDomainByName } from '../../db/repositories/domain.repository';
import { findOutbound, listRecipients } from '../../db/repositories/outbound.repository';
import type { AppError } from '../errors';
import { createDnsResolver } from '../mail/dns';
import { createTestUser } from '../../testing/factories';
import { cancelOutbound, listOutbound } from './outbound.service';
import { setSendLimits } from './send-limits';
import { publishInstanceDkim, senderDomain } from '../../testing/outbound/fixtures';
import { type OutboundHarness, manualClock, routeToSink, startOutboundHarness } from '../../testing/outbound/harness';
import { useIsolatedDb } from '../../testing/outbound/isolated-db';
import { untilStatus } from '../../testing/outbound/until-status';
import { appError } from '../../testing/errors';
import { env } from '../env';
import { settingsFrom } from '../settings';

const settings = settingsFrom(env());

const isolated = useIsolatedDb();
let h: OutboundHarness;
beforeAll(async () => {
  h = await startOutboundHarness(isolated.db(), isolated.url(), { clock: manualClock(new Date('2026-11-22T09:00:00Z')) });
});
afterAll(() => h?.close());

const unique = (prefix: string) => `${prefix}${randomBytes(4).toString('hex')}.test`;
const MIN = 60_000;
const message = (from: string, to: string[], extra: Partial<TestMail> = {}): TestMail => ({
  from,
  to,
  cc: [],
  bcc: [],
  subject: 'Hello',
  text: 'Hello there',
  ...extra,
});

describe('scheduled send and undo', () => {
  it('sends a scheduled message when the deliverer clock reaches its time, not before', async () => {
    const db = isolated.db();
    const user = await createTestUser(db);
    await publishInstanceDkim(db, h.zone);
    const rcpt = unique('later');
    routeToSink(h.zone, rcpt);
    const sendAt = new Date(h.clock.now().getTime() + 60 * MIN);

    const sent = await queueTestMail(db, h.queue, h.clock, user.account, message(user.account.address, [`gina@${rcpt}`], { sendAt }));
    expect(sent).toMatchObject({ status: 'scheduled', cancellable: true, sendAt: sendAt.toISOString() });
    h.clock.advance(59 * MIN);
    expect(await h.deliverer.sweep(0)).toBe(0);
    expect(await h.deliverer.deliver(sent.id)).toEqual({ outcome: 'not-due' });
    expect(h.sink.to(`gina@${rcpt}`)).toHaveLength(0);

    h.clock.advance(MIN);
    expect(await h.deliverer.sweep(0)).toBe(1);
    await untilStatus(isolated.db(), sent.id, 'delivered');
    const [arrived] = h.sink.to(`gina@${rcpt}`);
    expect(arrived!.raw.toString()).toContain(`Date: ${sendAt.toUTCString().replace('GMT', '+0000')}`);
    // From <username>@MAIL_DOMAIN: signed with the instance key, which the published record verifies.
    const verdict = await dkimVerify(arrived!.raw, { resolver: createDnsResolver([h.dns.address]) });
    expect(verdict.results.map((r) => [r.signingDomain, r.status.result])).toEqual([['localhost', 'pass']]);
  });

  it('never sends a message cancelled in its undo window, even when its job fires', async () => {
    const db = isolated.db();
    const user = await createTestUser(db);
    const other = await createTestUser(db);
    const rcpt = unique('undo');
    routeToSink(h.zone, rcpt);
    // A real second from now, so the pg-boss job really fires during the test.
    const sent = await queueTestMail(
      db,
      h.queue,
      h.clock,
      user.account,
      message(user.account.address, [`hank@${rcpt}`], { sendAt: new Date(h.clock.now().getTime() + 1000) }),
    );

    expect((await appError(cancelOutbound(db, h.clock, other.account, sent.id))).code).toBe('NOT_FOUND');
    const cancelled = await cancelOutbound(db, h.clock, user.account, sent.id);
    expect(cancelled).toMatchObject({ status: 'cancelled', cancellable: false, recipients: [{ status: 'cancelled' }] });
    expect((await findOutbound(db, sent.id))!.sealed_mime).toBeNull();
    expect((await cancelOutbound(db, h.clock, user.account, sent.id)).status).toBe('cancelled'); // idempotent

    h.clock.advance(10 * MIN);
    await expect
      .poll(
        async () => (await sql<{ state: string }>`SELECT state FROM pgboss.job WHERE data->>'outboundId' = ${sent.id}`.execute(db)).rows.map((r) => r.state),
        {
          timeout: 15_000,
          interval: 100,
        },
      )
      .toEqual(['completed']);
    expect(await h.deliverer.sweep(0)).toBe(0);
    expect(await h.deliverer.deliver(sent.id)).toEqual({ outcome: 'gone' });
    expect(h.sink.to(`hank@${rcpt}`)).toHaveLength(0);
  });

  it("can't cancel once delivery has started", async () => {
    const db = isolated.db();
    const user = await createTestUser(db);
    const rcpt = unique('started');
    routeToSink(h.zone, rcpt);
    const sent = await queueTestMail(db, h.queue, h.clock, user.account, message(user.account.address, [`ivy@${rcpt}`], { sendAt: h.clock.now() }));
    await untilStatus(isolated.db(), sent.id, 'delivered');
    const refusal = await appError(cancelOutbound(db, h.clock, user.account, sent.id));
    expect(refusal).toMatchObject({ code: 'INVALID_STATE', message: "This message has already been sent, so it can't be cancelled." });
    expect((await listOutbound(db, user.account, { limit: 10 }))[0]).toMatchObject({
      id: sent.id,
      status: 'delivered',
      recipients: [{ address: `ivy@${rcpt}`, status: 'delivered', attempts: 1 }],
    });
  });
});

describe('who may send from what', () => {
  it('sends from an own alias, signed for its domain; refuses a turned-off alias, an unverified domain and somebody else’s address', async () => {
    const db = isolated.db();
    const user = await createTestUser(db);
    const other = await createTestUser(db);
    const pending = await senderDomain(db, user, h.zone, unique('pending'), { verified: false });
    const verified = await senderDomain(db, user, h.zone, unique('ok'));
    const domainId = (await findDomainByName(db, verified.domain))!.id;
    const alias = (local: string, enabled = true) =>
      insertAddress(db, {
        user_id: user.account.id,
        domain_id: domainId,
        local_part: local,
        domain: verified.domain,
        address: `${local}@${verified.domain}`,
        kind: 'alias',
        alias_style: 'custom',
        note: null,
      }).then((row) => (enabled ? row : updateAddress(db, row.id, user.account.id, { enabled: false })));
    const news = `news@${verified.domain}`;
    const off = `old@${verified.domain}`;
    await alias('news');
    await alias('old', false);
    const rcpt = unique('alias-reply');
    routeToSink(h.zone, rcpt);

    // The alias's owner: queued, signed with the alias domain's key, From with the display name.
    const sent = await queueTestMail(db, h.queue, h.clock, user.account, message(news, [`shop@${rcpt}`], { fromName: 'Zoë News', sendAt: h.clock.now() }));
    expect(sent.from).toBe(news);
    await h.deliverer.deliver(sent.id);
    await untilStatus(db, sent.id, 'delivered');
    const [arrived] = h.sink.to(`shop@${rcpt}`);
    expect(arrived!.envelopeFrom).toBe(news);
    expect(arrived!.raw.toString()).toContain(`From: =?UTF-8?B?${Buffer.from('Zoë News').toString('base64')}?= <${news}>`);
    const verdict = await dkimVerify(arrived!.raw, { resolver: createDnsResolver([h.dns.address]) });
    expect(verdict.results.map((r) => [r.signingDomain, r.status.result])).toEqual([[verified.domain, 'pass']]);

    const refusal = await appError(queueTestMail(db, h.queue, h.clock, user.account, message(pending.address, ['x@example.org'])));
    expect(refusal).toEqual({
      code: 'FORBIDDEN',
      message: `You can't send from ${pending.address}: the domain ${pending.domain} isn't verified yet.`,
      details: undefined,
    });
    expect((await appError(queueTestMail(db, h.queue, h.clock, user.account, message(off, ['x@example.org'])))).message).toBe(
      `You can't send from ${off}: that alias is turned off.`,
    );
    // Somebody else's alias and address: refused, whatever display name the From carries.
    expect((await appError(queueTestMail(db, h.queue, h.clock, other.account, message(news, ['x@example.org'], { fromName: 'News' })))).message).toBe(
      `You can't send from ${news}: it isn't one of your addresses.`,
    );
    expect((await appError(queueTestMail(db, h.queue, h.clock, other.account, message(verified.address, ['x@example.org'])))).message).toBe(
      `You can't send from ${verified.address}: it isn't one of your addresses.`,
    );
    expect((await appError(queueTestMail(db, h.queue, h.clock, user.account, message('ghost@nowhere.example', ['x@example.org'])))).code).toBe('FORBIDDEN');
    expect((await appError(queueTestMail(db, h.queue, h.clock, user.account, message(verified.address, ['not an address'])))).code).toBe('BAD_INPUT');
    expect((await listOutbound(db, user.account, { limit: 10 })).map((m) => m.id)).toEqual([sent.id]);
    expect(await listOutbound(db, other.account, { limit: 10 })).toEqual([]);
  });
});

describe('sending limits', () => {
  it('counts recipients per hour and per day, says when to try again, and ignores cancelled sends', async () => {
    const db = isolated.db();
    const user = await createTestUser(db);
    const admin = await createTestUser(db, { isAdmin: true });
    const clock = manualClock(new Date('2026-11-22T10:00:00Z'));
    const later = new Date('2026-11-30T00:00:00Z'); // keeps the worker out of it
    const send = (n: number) =>
      queueTestMail(
        db,
        h.queue,
        clock,
        user.account,
        message(
          user.account.address,
          Array.from({ length: n }, (_, i) => `r${i}@limits.example`),
          { sendAt: later },
        ),
      );

    expect((await appError(setSendLimits(db, clock, settings, user.account, { username: user.username, perHour: 1000, perDay: 1000 }))).code).toBe('FORBIDDEN');
    expect(await setSendLimits(db, clock, settings, admin.account, { username: user.username, perHour: 3, perDay: 5 })).toEqual({
      username: user.username,
      perHour: 3,
      perDay: 5,
      custom: true,
    });

    await send(2);
    clock.advance(10 * MIN);
    const hourly = await appError(send(2));
    expect(hourly).toMatchObject({ code: 'SEND_LIMIT_REACHED', message: "You've reached your limit of 3 messages per hour. Try again at 11:00 UTC." });
    expect(hourly.details).toMatchObject({ limit: 3, unit: 'hour', retryAt: '2026-11-22T11:00:00.000Z' });
    const cancellable = await send(1);
    await cancelOutbound(db, clock, user.account, cancellable.id);
    await send(1); // the cancelled one didn't count

    clock.advance(60 * MIN); // the hour has passed; the day still holds 3
    await send(2);
    expect((await appError(send(1))).message).toBe("You've reached your limit of 5 messages per day. Try again at 10:00 UTC.");
    expect((await appError(send(6))).message).toBe('Your limit is 5 recipients per day; this message has 6.');
  });

  it('lets only one of three concurrent sends through when only one fits', async () => {
    const db = isolated.db();
    const user = await createTestUser(db);
    const admin = await createTestUser(db, { isAdmin: true });
    await setSendLimits(db, h.clock, settings, admin.account, { username: user.username, perHour: 1, perDay: null });
    const attempt = () =>
      queueTestMail(db, h.queue, h.clock, user.account, message(user.account.address, ['x@limits.example'], { sendAt: new Date('2027-01-01T00:00:00Z') }));
    const results = await Promise.allSettled([attempt(), attempt(), attempt()]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').map((r) => ((r as PromiseRejectedResult).reason as AppError).code)).toEqual([
      'SEND_LIMIT_REACHED',
      'SEND_LIMIT_REACHED',
    ]);
    expect(await listRecipients(db, [(results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ id: string }>).value.id])).toHaveLength(1);
  });
});
