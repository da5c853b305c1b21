import { queueTestMail } from '../../testing/outgoing-mail';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ClaimedOutbound, claimOutboundBatch, findOutbound, listRecipients } from '../../db/repositories/outbound.repository';
import { openWorkerPresence } from '../../db/repositories/worker-presence.repository';
import { createTestUser } from '../../testing/factories';
import { createOutcomeWriter } from './outcome-writer';
import { manualClock } from '../../testing/outbound/harness';
import { useIsolatedDb } from '../../testing/outbound/isolated-db';

const isolated = useIsolatedDb();
const clock = manualClock(new Date('2026-11-22T09:00:00Z'));
let claimed: ClaimedOutbound[];

beforeAll(async () => {
  const db = isolated.db();
  const user = await createTestUser(db);
  const noQueue = { enqueueDelivery: async () => undefined };
  const sent = [];
  for (let i = 0; i < 4; i++) {
    sent.push(
      await queueTestMail(db, noQueue, clock, user.account, {
        from: user.account.address,
        to: [`r${i}@writer.example`],
        cc: [],
        bcc: [],
        subject: 'Hi',
        text: 'Hi',
        sendAt: clock.now(),
      }),
    );
  }
  const presence = await openWorkerPresence(isolated.url(), () => undefined);
  const byId = await claimOutboundBatch(
    db,
    sent.map((m) => m.id),
    clock.now(),
    presence.id,
  );
  claimed = sent.map((m) => byId.get(m.id)!);
});

const delivered = (c: ClaimedOutbound) => [{ id: c.recipients[0]!.id, status: 'delivered' as const, reply: '250 OK', nextAttemptAt: null }];
const done = (c: ClaimedOutbound) => ({
  id: c.message.id,
  conclusion: { status: 'delivered' as const, next_attempt_at: null, finished_at: clock.now(), purge_after: null, dropSealed: true },
});

describe('the outcome writer', () => {
  it('commits at once when idle, and gathers what arrives meanwhile into the next statement', async () => {
    const db = isolated.db();
    // Each statement reads the time once: a second later on every read.
    let reads = 0;
    const writer = createOutcomeWriter(db, { now: () => new Date(Date.parse('2026-11-22T10:00:00Z') + 1000 * reads++) });
    const [a, b, c] = claimed;
    const first = writer.commit(delivered(a!), done(a!)); // its statement starts now
    const rest = [writer.commit(delivered(b!), done(b!)), writer.commit(delivered(c!), done(c!))]; // these wait for it, then go together
    await Promise.all([first, ...rest]);

    const updated = (await listRecipients(db, [a!.message.id, b!.message.id, c!.message.id])).map((r) => [r.status, r.updated_at?.toISOString()]);
    expect(updated).toEqual([
      ['delivered', '2026-11-22T10:00:00.000Z'],
      ['delivered', '2026-11-22T10:00:01.000Z'],
      ['delivered', '2026-11-22T10:00:01.000Z'],
    ]);
    expect(reads).toBe(2);
    for (const m of [a!, b!, c!]) expect(await findOutbound(db, m.message.id)).toMatchObject({ status: 'delivered', claimed_by: null, sealed_mime: null });
  });

  it('fails only the entry the database refuses when several went in one statement', async () => {
    const db = isolated.db();
    const writer = createOutcomeWriter(db, clock);
    const d = claimed[3]!;
    const busy = writer.commit(delivered(d)); // holds the writer while the next two wait together
    const refused = writer.commit([{ id: 'not-a-uuid', status: 'delivered', reply: '250 OK', nextAttemptAt: null }]);
    const fine = writer.commit([], done(d));
    await busy;
    await expect(refused).rejects.toThrow(/uuid/);
    await fine;
    expect(await findOutbound(db, d.message.id)).toMatchObject({ status: 'delivered', claimed_by: null });
  });
});
