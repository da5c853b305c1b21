import { sql } from 'kysely';
import pg from 'pg';
import type PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { checkEncryptedTo, toBase64, utf8 } from '../../crypto';
import { useTestDb } from '../../testing/db';
import type { Clock } from '../clock';
import { env, reloadEnv } from '../env';
import { settingsFrom } from '../settings';
import { startBoss } from '../jobs/boss';
import { registerInternalScheduledJobs, scheduledInternalQueue } from '../jobs/internal-scheduled.job';
import { stopQueueClient } from '../jobs/queue-client';
import { logger } from '../logger';
import { type TestUser, createTestUser } from '../../testing/factories';
import { trpcCallers, trpcCode } from '../../testing/api';
import { appError } from '../../testing/errors';
import { copyFor, decryptText } from '../../testing/mail';
import { type ScheduledInternalQueue, cancelScheduledInternal, listScheduledInternal, scheduleInternal } from './scheduled-send.service';

const settings = settingsFrom(env());

/**
 * Scheduled send to mailboxes on this instance, against the real database and a real pg-boss
 * worker. The worker decides "due" by a clock the test moves; pg-boss counts a job's delay in real
 * seconds, so a send an hour ahead of the test clock never fires by itself during the run.
 */
const db = useTestDb();
const MIN = 60_000;
let now = Date.now();
const clock: Clock = { now: () => new Date(now) };
const advance = (ms: number) => void (now += ms);

let boss: PgBoss;
let queue: ScheduledInternalQueue;
let worker: Awaited<ReturnType<typeof registerInternalScheduledJobs>>;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
const listener = new pg.Client({ connectionString: inject('databaseUrl') });
const notified: string[] = [];

beforeAll(async () => {
  reloadEnv(); // useTestDb set DATABASE_URL: the router's web-role queue starts pg-boss on it
  boss = await startBoss(inject('databaseUrl'), 'worker');
  queue = scheduledInternalQueue(boss);
  worker = await registerInternalScheduledJobs(boss, { db, clock, log: logger, queue }, { schedules: false });
  [alice, bob, carol] = await Promise.all([createTestUser(db), createTestUser(db), createTestUser(db)]);
  await listener.connect();
  await listener.query('LISTEN new_mail');
  listener.on('notification', (n) => notified.push(n.payload ?? ''));
});
afterAll(async () => {
  await listener.end();
  await boss?.stop({ graceful: false, close: true, wait: true });
  await stopQueueClient();
});

const rawMessage = (subject: string) => `From: ${alice.account.address}\r\nTo: ${bob.account.address}\r\nSubject: ${subject}\r\n\r\nSee you then.\r\n`;

/** Every message in the user's inbox whose raw bytes decrypt to `raw`. */
async function inboxCopies(user: TestUser, raw: string) {
  const rows = await db.selectFrom('messages').selectAll().where('user_id', '=', user.account.id).where('folder', '=', 'inbox').execute();
  const matches = [];
  for (const row of rows) if ((await decryptText(user, row.raw_ciphertext)) === raw) matches.push(row);
  return matches;
}

const copiesOf = (sendId: string) => db.selectFrom('scheduled_internal_copies').selectAll().where('send_id', '=', sendId).execute();
const sendRow = (id: string) => db.selectFrom('scheduled_internal_sends').selectAll().where('id', '=', id).executeTakeFirst();
const jobsOf = async (id: string) =>
  (
    await sql<{
      state: string;
      start_after: Date;
    }>`SELECT state, start_after FROM pgboss.job WHERE name = 'internal-scheduled-file' AND data->>'scheduledId' = ${id}`.execute(db)
  ).rows;

describe('scheduled send to mailboxes here', () => {
  it('holds only ciphertext until the time, then files each copy exactly once and keeps nothing', async () => {
    const subject = `Later ${Math.random()}`;
    const raw = rawMessage(subject);
    const sendAt = new Date(now + 60 * MIN);
    const scheduled = await scheduleInternal(db, queue, clock, settings, alice.account, {
      from: alice.account.address,
      recipients: [await copyFor(bob, raw), await copyFor(carol, raw)],
      sendAt,
    });
    expect(scheduled).toEqual({
      id: expect.any(String),
      from: alice.account.address,
      status: 'scheduled',
      sendAt: sendAt.toISOString(),
      createdAt: new Date(now).toISOString(),
      finishedAt: null,
      recipients: [bob.account.address, carol.account.address].sort(),
      outboundIds: [],
      cancellable: true,
      // The Sent copy's summary, for the Scheduled list's subject; this send was scheduled without one.
      summary: null,
    });
    // Its job committed with it, due in an hour of real time.
    const [job] = await jobsOf(scheduled.id);
    expect(job!.state).toBe('created');
    expect(job!.start_after.getTime()).toBeGreaterThan(Date.now() + 55 * MIN);
    expect(await listScheduledInternal(db, alice.account)).toEqual([scheduled]);
    expect(await listScheduledInternal(db, bob.account)).toEqual([]);

    // At rest: OpenPGP messages to each recipient's key, no plaintext, and the server's attestation.
    const copies = await copiesOf(scheduled.id);
    expect(copies.map((c) => c.user_id).sort()).toEqual([bob.account.id, carol.account.id].sort());
    for (const copy of copies) {
      const owner = copy.user_id === bob.account.id ? bob : carol;
      for (const part of [copy.raw_ciphertext, copy.summary_ciphertext, copy.origin_ciphertext]) {
        expect(await checkEncryptedTo(part, owner.publicKeyArmored)).toEqual({ status: 'ok' });
        expect(Buffer.from(part).includes(Buffer.from(subject))).toBe(false);
      }
      expect(JSON.parse(await decryptText(owner, copy.origin_ciphertext))).toEqual({ v: 1, kind: 'internal', from: alice.account.address });
    }

    // Not before its time, even when a job runs early.
    advance(59 * MIN);
    expect(await worker.file(scheduled.id)).toEqual({ outcome: 'not-due', sendAt });
    expect(await inboxCopies(bob, raw)).toEqual([]);

    advance(MIN);
    notified.length = 0;
    // Two jobs at once, then a third: one files, the others find nothing left to do.
    const reports = await Promise.all([worker.file(scheduled.id), worker.file(scheduled.id)]);
    expect(reports.map((r) => r.outcome).sort()).toEqual(['filed', 'gone']);
    expect(reports.find((r) => r.outcome === 'filed')).toEqual({ outcome: 'filed', delivered: 2 });
    expect(await worker.file(scheduled.id)).toEqual({ outcome: 'gone' });

    const [bobCopy, ...extra] = await inboxCopies(bob, raw);
    expect(extra).toEqual([]);
    expect(bobCopy).toMatchObject({ folder: 'inbox', seen: false, size: raw.length, received_at: new Date(now) });
    expect(JSON.parse(await decryptText(bob, bobCopy!.origin_ciphertext!))).toEqual({ v: 1, kind: 'internal', from: alice.account.address });
    expect(await inboxCopies(carol, raw)).toHaveLength(1);
    // Other test files share the database and its channel: only these two users matter here.
    await expect
      .poll(() => notified.filter((id) => id === bob.account.id || id === carol.account.id).sort(), { timeout: 5_000 })
      .toEqual([bob.account.id, carol.account.id].sort());

    // Nothing kept but a tombstone without recipients or content; it can't be cancelled now.
    expect(await copiesOf(scheduled.id)).toEqual([]);
    expect(await sendRow(scheduled.id)).toMatchObject({ status: 'delivered', finished_at: new Date(now) });
    expect(await listScheduledInternal(db, alice.account)).toEqual([]);
    expect(await appError(cancelScheduledInternal(db, clock, alice.account, scheduled.id))).toMatchObject({
      code: 'INVALID_STATE',
      message: "This message has already been delivered, so it can't be cancelled.",
    });
  });

  it('never files a cancelled send, even when its job fires', async () => {
    const raw = rawMessage(`Cancelled ${Math.random()}`);
    // A real second ahead, so its pg-boss job really fires during the test.
    const scheduled = await scheduleInternal(db, queue, clock, settings, alice.account, {
      from: alice.account.address,
      recipients: [await copyFor(bob, raw)],
      sendAt: new Date(now + 1000),
    });
    expect((await appError(cancelScheduledInternal(db, clock, bob.account, scheduled.id))).code).toBe('NOT_FOUND');
    const cancelled = await cancelScheduledInternal(db, clock, alice.account, scheduled.id);
    expect(cancelled).toMatchObject({ id: scheduled.id, status: 'cancelled', cancellable: false, recipients: [bob.account.address] });
    expect(await copiesOf(scheduled.id)).toEqual([]);
    expect((await cancelScheduledInternal(db, clock, alice.account, scheduled.id)).status).toBe('cancelled'); // idempotent
    expect(await listScheduledInternal(db, alice.account)).toEqual([]);

    advance(10 * MIN);
    // Its job ran (and any it re-queued while the send was not yet due): every one completed.
    await expect
      .poll(async () => (await jobsOf(scheduled.id)).map((j) => j.state), { timeout: 15_000, interval: 100 })
      .toSatisfy((states: string[]) => states.length > 0 && states.every((s) => s === 'completed'));
    expect(await worker.file(scheduled.id)).toEqual({ outcome: 'gone' });
    expect(await inboxCopies(bob, raw)).toEqual([]);
    expect(await worker.sweep(0)).toMatchObject({ requeued: 0 });
  });

  it('the worker files a due send by itself, and the sweep re-queues one whose job was lost', async () => {
    const first = rawMessage(`By the job ${Math.random()}`);
    const byJob = await scheduleInternal(db, queue, clock, settings, alice.account, {
      from: alice.account.address,
      recipients: [await copyFor(bob, first)],
      sendAt: new Date(now + 1000),
    });
    advance(MIN);
    await expect.poll(async () => (await inboxCopies(bob, first)).length, { timeout: 15_000, interval: 200 }).toBe(1);
    expect((await sendRow(byJob.id))!.status).toBe('delivered');

    const second = rawMessage(`By the sweep ${Math.random()}`);
    const lost = await scheduleInternal(db, queue, clock, settings, alice.account, {
      from: alice.account.address,
      recipients: [await copyFor(bob, second)],
      sendAt: new Date(now + 60 * MIN),
    });
    await sql`DELETE FROM pgboss.job WHERE data->>'scheduledId' = ${lost.id}`.execute(db);
    advance(59 * MIN);
    expect(await worker.sweep(0)).toMatchObject({ requeued: 0 }); // not due yet
    advance(2 * MIN);
    expect(await worker.sweep(0)).toMatchObject({ requeued: 1 });
    await expect.poll(async () => (await inboxCopies(bob, second)).length, { timeout: 15_000, interval: 200 }).toBe(1);
    expect(await copiesOf(lost.id)).toEqual([]);
  });

  it('refuses copies not encrypted to their mailbox, a From not the sender’s, and mailboxes not here, and stores and queues nothing then', async () => {
    const raw = rawMessage('Refused');
    const sendAt = new Date(now + 60 * MIN);
    const schedule = (recipients: Awaited<ReturnType<typeof copyFor>>[], from = alice.account.address, at = sendAt) =>
      appError(scheduleInternal(db, queue, clock, settings, alice.account, { from, recipients, sendAt: at }));
    const before = await db.selectFrom('scheduled_internal_sends').select('id').where('user_id', '=', alice.account.id).execute();

    expect(await schedule([await copyFor({ address: bob.account.address, publicKeyArmored: carol.publicKeyArmored }, raw)])).toMatchObject({
      code: 'BAD_INPUT',
      message: `The copy for ${bob.account.address} was refused: it is encrypted to a different key. Reload the page and try again.`,
    });
    const plaintext = { address: bob.account.address, raw: toBase64(utf8(raw)), summary: toBase64(utf8('{"v":1}')), size: raw.length };
    expect((await schedule([plaintext])).message).toContain('it is not an encrypted OpenPGP message');
    expect(await schedule([await copyFor(bob, raw)], bob.account.address)).toMatchObject({
      code: 'FORBIDDEN',
      message: `You can't send from ${bob.account.address}: it isn't one of your addresses.`,
    });
    expect((await schedule([await copyFor({ address: 'nobody-here@localhost', publicKeyArmored: bob.publicKeyArmored }, raw)])).message).toBe(
      'nobody-here@localhost is not a mailbox on this server.',
    );
    expect((await schedule([await copyFor(bob, raw)], alice.account.address, new Date(now + 400 * 24 * 60 * MIN))).code).toBe('BAD_INPUT');
    expect((await schedule([])).code).toBe('BAD_INPUT');

    const after = await db.selectFrom('scheduled_internal_sends').select('id').where('user_id', '=', alice.account.id).execute();
    expect(after).toEqual(before);
  });
});

describe('compose.scheduleInternal, listScheduled and cancelScheduled', () => {
  const callerFor = trpcCallers(db, clock);
  it('schedules through the web role’s queue with the Sent copy, lists without content, and a cancel files nothing at all', async () => {
    const caller = callerFor(alice);
    const raw = rawMessage(`Router ${Math.random()}`);
    const draft = await caller.compose.saveDraft(await copyFor(alice, raw));
    const sendAt = new Date(now + 60 * MIN).toISOString();
    const { raw: sentRaw, summary, size } = await copyFor(alice, raw);
    const scheduled = await caller.compose.scheduleInternal({
      from: alice.account.address,
      recipients: [await copyFor(bob, raw)],
      sent: { raw: sentRaw, summary, size },
      draftId: draft.id,
      sendAt,
    });
    // The Sent copy's summary (ciphertext to the sender) names it in the Scheduled list.
    expect(scheduled).toMatchObject({ status: 'scheduled', sendAt, recipients: [bob.account.address], summary });
    expect(await jobsOf(scheduled.id)).toHaveLength(1);
    // The Sent copy waits with the send, and the draft stays until it goes.
    expect((await sendRow(scheduled.id))!.sent_raw_ciphertext).not.toBeNull();
    expect(await db.selectFrom('messages').select('id').where('user_id', '=', alice.account.id).where('folder', '=', 'sent').execute()).toEqual([]);
    expect(await db.selectFrom('messages').select('id').where('id', '=', draft.id).executeTakeFirst()).toEqual({ id: draft.id });
    expect(await inboxCopies(bob, raw)).toEqual([]);

    const listed = await caller.compose.listScheduled();
    expect(listed.find((s) => s.id === scheduled.id)).toEqual(scheduled);
    expect(Object.keys(listed[0]!).sort()).toEqual([
      'cancellable',
      'createdAt',
      'finishedAt',
      'from',
      'id',
      'outboundIds',
      'recipients',
      'sendAt',
      'status',
      'summary',
    ]);
    expect(await callerFor(bob).compose.listScheduled()).toEqual([]);

    expect(await trpcCode(callerFor(bob).compose.cancelScheduled({ id: scheduled.id }))).toBe('NOT_FOUND');
    expect((await caller.compose.cancelScheduled({ id: scheduled.id })).status).toBe('cancelled');
    expect(await caller.compose.listScheduled()).toEqual([]);
    expect((await sendRow(scheduled.id))!.sent_raw_ciphertext).toBeNull();
    expect(await db.selectFrom('messages').select('id').where('user_id', '=', alice.account.id).where('folder', '=', 'sent').execute()).toEqual([]);
  });

  it('validates its input', async () => {
    const caller = callerFor(alice);
    const copy = await copyFor(bob, rawMessage('Invalid'));
    expect(await trpcCode(caller.compose.scheduleInternal({ from: alice.account.address, recipients: [copy], sendAt: 'tomorrow' }))).toBe('BAD_REQUEST');
    expect(await trpcCode(caller.compose.scheduleInternal({ from: alice.account.address, recipients: [], sendAt: new Date(now + MIN).toISOString() }))).toBe(
      'BAD_REQUEST',
    );
    expect(await trpcCode(caller.compose.cancelScheduled({ id: 'not-a-uuid' }))).toBe('BAD_REQUEST');
  });
});
