import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeInboundMessages } from '../db/repositories/inbound.repository';
import { createTestUser, type TestUser } from '../testing/factories';
import { queuedId, type Sidecar, startSidecar } from '../testing/smtp-harness';
import { type OwnCluster, startOwnCluster } from '../testing/own-cluster';
import { dataPayload, type RawSmtpClient } from '../testing/smtp-raw-client';

/**
 * A database that hangs (SIGSTOP on every PostgreSQL process) must cost the sender a 451 within
 * the reply deadline, never silence; and a message whose 451 went out must not be stored when the
 * database wakes up. This file owns its cluster: the shared one must never be frozen. The deadline
 * is 2 s here (10 s by default) so the test takes seconds; bench/hostile-smtp.ts shows the same
 * with the defaults and a 40 s freeze.
 */
const REPLY_TIMEOUT_MS = 2_000;
const TEMPORARY = '451 4.3.0 Temporary local problem, please try again later';
// The deadline, plus scheduling slack on a loaded two-core machine.
const BOUND_MS = REPLY_TIMEOUT_MS + 1_500;

let cluster: OwnCluster;
let sidecar: Sidecar;
let user: TestUser;
let to: string;

beforeAll(async () => {
  cluster = await startOwnCluster({ poolSize: 10 });
  user = await createTestUser(cluster.db);
  to = `${user.username}@localhost`;
  sidecar = await startSidecar(cluster.db, { config: { replyTimeoutMs: REPLY_TIMEOUT_MS } });
});
afterAll(async () => {
  await sidecar?.close();
  await cluster?.destroy();
});

const message = (n: number) => dataPayload(Buffer.from(`From: a@example.org\r\nSubject: parked ${n}\r\n\r\nbody ${n}\r\n`));
const stored = async () =>
  Number((await sql<{ n: string }>`SELECT count(*) AS n FROM messages WHERE user_id = ${user.account.id}`.execute(cluster.db)).rows[0]!.n);

/** Everything up to the final dot, which is held back. */
async function park(n: number): Promise<{ client: RawSmtpClient; rest: Buffer }> {
  const client = await sidecar.connectEhlo();
  expect((await client.command('MAIL FROM:<a@example.org>')).code).toBe(250);
  expect((await client.command(`RCPT TO:<${to}>`)).code).toBe(250);
  expect((await client.command('DATA')).code).toBe(354);
  const payload = message(n);
  client.write(payload.subarray(0, payload.length - 3));
  return { client, rest: payload.subarray(payload.length - 3) };
}

async function timedRead(client: RawSmtpClient, write: () => void): Promise<{ text: string; ms: number }> {
  const started = performance.now();
  write();
  const reply = await client.read();
  return { text: reply.text, ms: performance.now() - started };
}

describe('a frozen database', () => {
  it('gets every parked and every new transaction a 451 within the deadline, and stores none of them after the thaw', async () => {
    const before = await stored();
    const parked = await Promise.all([1, 2, 3, 4, 5].map(park));
    const idle = await sidecar.connectEhlo();
    expect((await idle.command('MAIL FROM:<a@example.org>')).code).toBe(250);

    cluster.freeze();
    let thawed = false;
    try {
      const replies = await Promise.all([
        ...parked.map(({ client, rest }) => timedRead(client, () => client.write(rest))),
        timedRead(idle, () => idle.write(`RCPT TO:<${to}>\r\n`)),
      ]);
      for (const reply of replies) {
        expect(reply.text).toBe(TEMPORARY);
        expect(reply.ms).toBeLessThan(BOUND_MS);
      }
      cluster.thaw();
      thawed = true;

      // The lookups and statements that were parked in the frozen database now run; every one of
      // the five abandoned deliveries ends without storing anything.
      await expect.poll(() => sidecar.logs.filter((l) => l.includes('"msg":"abandoned delivery ended"')).length, { timeout: 20_000 }).toBe(5);
      expect(await stored()).toBe(before);
      expect(sidecar.logs.join('\n')).not.toMatch(/"committedLate":true/);

      // And the sidecar recovers by itself.
      const reply = await timedRead(idle, () => idle.write(`RCPT TO:<${to}>\r\n`));
      expect(reply.text).toMatch(/^250 /);
      expect((await idle.command('DATA')).code).toBe(354);
      idle.write(message(6));
      queuedId(await idle.read());
      expect(await stored()).toBe(before + 1);
    } finally {
      if (!thawed) cluster.thaw();
      for (const { client } of parked) client.close();
      idle.close();
    }
  });

  it('refuses, on its own clock, an INSERT that was parked while frozen and runs after its deadline', async () => {
    const before = await stored();
    const { rows } = await sql<{ now: Date }>`SELECT clock_timestamp() AS now`.execute(cluster.db);
    const copy = { user_id: user.account.id, received_at: new Date(), size: 1, raw_ciphertext: new Uint8Array([1]), summary_ciphertext: new Uint8Array([2]) };
    // The SELECT above left a pooled connection open: the statement below goes straight into the frozen server.
    cluster.freeze();
    let thawed = false;
    try {
      const insert = storeInboundMessages(cluster.db, [copy, { ...copy }], { notAfter: new Date(rows[0]!.now.getTime() + 500) });
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      cluster.thaw();
      thawed = true;
      expect(await insert).toEqual([]);
      expect(await stored()).toBe(before);
      // The same statement before its deadline stores every copy.
      const fresh = (await sql<{ now: Date }>`SELECT clock_timestamp() AS now`.execute(cluster.db)).rows[0]!.now;
      expect(await storeInboundMessages(cluster.db, [copy, { ...copy }], { notAfter: new Date(fresh.getTime() + 5_000) })).toHaveLength(2);
    } finally {
      if (!thawed) cluster.thaw();
    }
  });
});
