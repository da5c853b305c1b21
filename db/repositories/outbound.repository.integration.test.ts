import { queueTestMail } from '../../testing/outgoing-mail';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboundQueue, startBoss } from '../../server/jobs/boss';
import { cancelOutbound } from '../../server/send/outbound.service';
import { manualClock } from '../../testing/outbound/harness';
import { useIsolatedDb } from '../../testing/outbound/isolated-db';
import { type TestUser, createTestUser } from '../../testing/factories';
import { claimOutboundBatch, commitOutcomes, findOutbound, listRecipients } from './outbound.repository';
import { sqlExecutorLockingSender } from '../pg-boss-executor';
import { type WorkerPresence, openWorkerPresence } from './worker-presence.repository';

const isolated = useIsolatedDb();
const clock = manualClock(new Date('2026-11-22T09:00:00Z'));
// Jobs go nowhere here: these tests drive the repository themselves.
const noQueue = { enqueueDelivery: async () => undefined };
let user: TestUser;
let boss: PgBoss;
const presences: WorkerPresence[] = [];

beforeAll(async () => {
  user = await createTestUser(isolated.db());
  boss = await startBoss(isolated.url(), 'sender');
});
afterAll(async () => {
  await boss?.stop({ graceful: false, close: true, wait: true });
  for (const presence of presences) await presence.close();
});

const send = (to: string[], sendAt: Date) =>
  queueTestMail(isolated.db(), noQueue, clock, user.account, { from: user.account.address, to, cc: [], bcc: [], subject: 'Hi', text: 'Hi', sendAt });

async function presence() {
  const p = await openWorkerPresence(isolated.url(), () => undefined);
  presences.push(p);
  return p.id;
}

/** Runs `statement` in a session of its own and returns its first row. */
async function otherSession<T>(statement: string, values: unknown[]): Promise<T> {
  const client = new pg.Client({ connectionString: isolated.url() });
  await client.connect();
  try {
    return (await client.query(statement, values)).rows[0] as T;
  } finally {
    await client.end();
  }
}

describe('outbound repository', () => {
  it('gives each due message of two overlapping batches to one worker only, and no cancelled or early one', async () => {
    const db = isolated.db();
    const due = await Promise.all(Array.from({ length: 8 }, (_, i) => send([`a${i}@claim.example`, `b${i}@claim.example`], clock.now())));
    const early = await send(['early@claim.example'], new Date(clock.now().getTime() + 3600_000));
    const cancelled = await send(['gone@claim.example'], new Date(clock.now().getTime() + 60_000));
    await cancelOutbound(db, clock, user.account, cancelled.id);
    const ids = [...due.map((m) => m.id), early.id, cancelled.id];
    const [first, second] = [await presence(), await presence()];

    const [a, b] = await Promise.all([claimOutboundBatch(db, ids, clock.now(), first), claimOutboundBatch(db, [...ids].reverse(), clock.now(), second)]);

    expect([...a.keys(), ...b.keys()].sort()).toEqual(due.map((m) => m.id).sort());
    for (const [claims, worker] of [
      [a, first],
      [b, second],
    ] as const) {
      for (const { message, recipients } of claims.values()) {
        expect((await findOutbound(db, message.id))!).toMatchObject({ status: 'sending', claimed_by: worker, attempts: 1 });
        expect(recipients.map((r) => r.status)).toEqual(['sending', 'sending']);
      }
    }
    expect((await findOutbound(db, early.id))!.status).toBe('scheduled');
    expect((await findOutbound(db, cancelled.id))!.status).toBe('cancelled');
    // A live worker's messages stay its own.
    expect((await claimOutboundBatch(db, ids, clock.now(), await presence())).size).toBe(0);
  });

  it('commits several messages’ outcomes and ends in one statement', async () => {
    const db = isolated.db();
    const [one, two] = [await send(['x@commit.example', 'y@commit.example'], clock.now()), await send(['z@commit.example'], clock.now())];
    const claimed = await claimOutboundBatch(db, [one.id, two.id], clock.now(), await presence());
    const [x, y] = claimed.get(one.id)!.recipients;
    const [z] = claimed.get(two.id)!.recipients;
    const later = new Date(clock.now().getTime() + 5 * 60_000);
    const now = clock.now();

    await commitOutcomes(
      db,
      [
        { id: x!.id, status: 'delivered', reply: '250 OK', nextAttemptAt: null },
        { id: y!.id, status: 'deferred', reply: "451 4.7.1 Try again, it's busy", nextAttemptAt: later },
        { id: z!.id, status: 'delivered', reply: '250 OK', nextAttemptAt: null },
      ],
      [
        { id: one.id, conclusion: { status: 'queued', next_attempt_at: later, finished_at: null, purge_after: null, dropSealed: false } },
        { id: two.id, conclusion: { status: 'delivered', next_attempt_at: null, finished_at: now, purge_after: null, dropSealed: true } },
      ],
      now,
    );

    expect(await findOutbound(db, one.id)).toMatchObject({ status: 'queued', next_attempt_at: later, claimed_by: null, sealed_mime: expect.any(Uint8Array) });
    expect(await findOutbound(db, two.id)).toMatchObject({ status: 'delivered', finished_at: now, claimed_by: null, sealed_mime: null });
    expect((await listRecipients(db, [one.id, two.id])).map((r) => [r.address, r.status, r.attempts, r.last_reply, r.next_attempt_at])).toEqual([
      ['x@commit.example', 'delivered', 1, '250 OK', null],
      ['y@commit.example', 'deferred', 1, "451 4.7.1 Try again, it's busy", later],
      ['z@commit.example', 'delivered', 1, '250 OK', null],
    ]);
  });

  it('takes the sender’s limit lock in the statement that inserts the job, until the transaction ends', async () => {
    const outboundId = randomUUID();
    const key = `send-limit:${user.account.id}`;
    let locked = false;
    let heldMeanwhile: boolean | undefined;
    await isolated
      .db()
      .transaction()
      .execute(async (trx) => {
        const executor = sqlExecutorLockingSender(trx, user.account.id);
        await outboundQueue(boss).enqueueDelivery(outboundId, 0, executor);
        locked = executor.locked;
        heldMeanwhile = !(await otherSession<{ got: boolean }>('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS got', [key])).got;
      });
    expect(locked).toBe(true);
    expect(heldMeanwhile).toBe(true);
    expect((await otherSession<{ got: boolean }>('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS got', [key])).got).toBe(true);
    expect(await otherSession<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE data->>'outboundId' = $1`, [outboundId])).toEqual({ n: 1 });
  });
});
