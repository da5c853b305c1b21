import { queueTestMail } from '../../testing/outgoing-mail';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { upsertSendLimits } from '../../db/repositories/send-limit.repository';
import type { Clock } from '../clock';
import { cancelScheduledInternal, fileScheduledInternal, scheduleInternal } from './scheduled-send.service';
import { AppError } from '../errors';
import { type TestUser, createTestUser } from '../../testing/factories';
import { cancelOutbound } from './outbound.service';
import { ENVELOPE_RETENTION_MS, DEAD_LETTER_ENVELOPE_RETENTION_MS, purgeSentMailHistory } from '../delivery/retention';
import { ownLimits } from './send-limits';
import { useIsolatedDb } from '../../testing/outbound/isolated-db';
import { copyFor } from '../../testing/mail';
import { env } from '../env';
import { settingsFrom } from '../settings';

const settings = settingsFrom(env());

/** Mail between users here counts against the sending limits; what is kept of sent mail, and how long. */
const isolated = useIsolatedDb();
let now = new Date('2026-11-22T09:00:00Z').getTime();
const clock: Clock = { now: () => new Date(now) };
const noQueue = { enqueueDelivery: async () => undefined, enqueueFiling: async () => undefined };

/** One uploaded copy of a short message, encrypted to the user's key. */
const helloFor = (user: TestUser) => copyFor(user, `Subject: hi\r\n\r\nhello ${user.username}\r\n`);

/** A send to mailboxes here as the browser makes it, due at once, then filed as the worker files it. */
async function internalSend(from: TestUser, to: TestUser[]) {
  const sent = await helloFor(from);
  const scheduled = await scheduleInternal(isolated.db(), noQueue, clock, settings, from.account, {
    from: from.account.address,
    recipients: await Promise.all(to.map(helloFor)),
    sent,
    sendAt: clock.now(),
  });
  return fileScheduledInternal(isolated.db(), clock, scheduled.id);
}

const external = (from: TestUser, to: string) =>
  queueTestMail(isolated.db(), noQueue, clock, from.account, {
    from: from.account.address,
    to: [to],
    cc: [],
    bcc: [],
    subject: 'Hi',
    text: 'Hi',
    sendAt: clock.now(),
  });

async function refusal(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe('SEND_LIMIT_REACHED');
  return (err as AppError).message;
}

describe('sending limits on mail between users here', () => {
  it('count each mailbox, share the windows with outbound mail, and a cancelled scheduled send stops counting', async () => {
    const db = isolated.db();
    const [alice, bob, carol] = await Promise.all([createTestUser(db), createTestUser(db), createTestUser(db)]);
    await upsertSendLimits(db, alice.account.id, { per_hour: 3, per_day: 10 }, clock.now());

    expect(await internalSend(alice, [bob, carol])).toMatchObject({ delivered: 2 });
    expect(await ownLimits(db, clock, settings, alice.account)).toMatchObject({ usedLastHour: 2, usedLastDay: 2 });
    // Two more mailboxes would make four: refused, and nothing filed.
    const before = await db.selectFrom('messages').select(db.fn.countAll().as('n')).where('user_id', '=', bob.account.id).executeTakeFirstOrThrow();
    expect(await refusal(internalSend(alice, [bob, carol]))).toMatch(/^You've reached your limit of 3 messages per hour\. Try again at \d\d:\d\d UTC\.$/);
    const after = await db.selectFrom('messages').select(db.fn.countAll().as('n')).where('user_id', '=', bob.account.id).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
    // Outbound mail sees the same count: one more fits, the next doesn't.
    await external(alice, 'dan@limits.example');
    await refusal(external(alice, 'erin@limits.example'));

    // An hour later the window has room again; a scheduled send counts at once, and its cancel gives it back.
    now += 61 * 60_000;
    const scheduled = await scheduleInternal(db, noQueue, clock, settings, alice.account, {
      from: alice.account.address,
      recipients: [await helloFor(bob), await helloFor(carol)],
      sendAt: new Date(now + 3600_000),
    });
    expect((await ownLimits(db, clock, settings, alice.account)).usedLastHour).toBe(2);
    await cancelScheduledInternal(db, clock, alice.account, scheduled.id);
    expect((await ownLimits(db, clock, settings, alice.account)).usedLastHour).toBe(0);
    const [dave, erin] = await Promise.all([createTestUser(db), createTestUser(db)]);
    expect(await refusal(internalSend(alice, [bob, carol, dave, erin]))).toBe('Your limit is 3 recipients per hour; this message has 4.');
  });
});

describe('what is kept of sent mail', () => {
  it('forgets envelopes a day and an hour after delivery ended, a week with a dead letter, and old counts', async () => {
    const db = isolated.db();
    const [alice, bob] = await Promise.all([createTestUser(db), createTestUser(db)]);
    await upsertSendLimits(db, alice.account.id, { per_hour: 100, per_day: 100 }, clock.now());
    const delivered = await external(alice, 'done@keep.example');
    const cancelled = await external(alice, 'never@keep.example');
    await cancelOutbound(db, clock, alice.account, cancelled.id);
    const bounced = await external(alice, 'bounced@keep.example');
    const waiting = await external(alice, 'waiting@keep.example');
    // Delivery outcomes as the worker leaves them (the deliverer's own tests cover how it gets there).
    await sql`UPDATE outbound_messages SET status = 'delivered', sealed_mime = NULL, finished_at = ${clock.now()} WHERE id = ${delivered.id}`.execute(db);
    await sql`UPDATE outbound_messages SET status = 'bounced', sealed_mime = NULL, finished_at = ${clock.now()} WHERE id = ${bounced.id}`.execute(db);
    await sql`INSERT INTO dead_letters (outbound_id, recipient_id, recipient, status_code, reason, created_at)
              SELECT outbound_id, id, address, '5.1.1', 'no such user', ${clock.now()} FROM outbound_recipients WHERE outbound_id = ${bounced.id}`.execute(db);
    await internalSend(alice, [bob]);
    const ids = async () => (await db.selectFrom('outbound_messages').select('id').where('user_id', '=', alice.account.id).execute()).map((r) => r.id).sort();
    const internalCount = async () =>
      Number((await db.selectFrom('internal_sends').select(db.fn.countAll().as('n')).where('user_id', '=', alice.account.id).executeTakeFirstOrThrow()).n);

    now += ENVELOPE_RETENTION_MS - 60_000;
    await purgeSentMailHistory(db, clock.now());
    expect(await ids()).toEqual([delivered.id, cancelled.id, bounced.id, waiting.id].sort());
    expect(await internalCount()).toBe(1);

    now += 2 * 60_000;
    await purgeSentMailHistory(db, clock.now());
    // Still waiting to go: kept whatever its age.
    expect(await ids()).toEqual([bounced.id, waiting.id].sort());
    expect(await internalCount()).toBe(0);

    now += DEAD_LETTER_ENVELOPE_RETENTION_MS;
    await purgeSentMailHistory(db, clock.now());
    expect(await ids()).toEqual([waiting.id]);
    expect(Number((await sql<{ n: string }>`SELECT count(*) AS n FROM dead_letters WHERE outbound_id = ${bounced.id}`.execute(db)).rows[0]!.n)).toBe(0);
  });
});
