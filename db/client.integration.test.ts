import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type OwnCluster, startOwnCluster } from '../testing/own-cluster';
import { createDb, timeoutsFor } from './client';

/** The pool's time-outs against a real PostgreSQL: slow statements, and a frozen server. */
const elapsed = async (work: () => Promise<unknown>) => {
  const started = Date.now();
  const outcome = await work().then(
    () => 'ok',
    (err: Error & { code?: string }) => err.code ?? err.message,
  );
  return { outcome, ms: Date.now() - started };
};

describe('createDb time-outs', () => {
  it('has PostgreSQL cancel a statement that runs past the statement time-out', async () => {
    const db = createDb(inject('databaseUrl'), { max: 1, timeouts: timeoutsFor(1_000, 300) });
    try {
      const { outcome, ms } = await elapsed(() => sql`SELECT pg_sleep(5)`.execute(db));
      expect(outcome).toBe('57014'); // query_canceled
      expect(ms).toBeLessThan(2_000);
      expect((await sql<{ one: number }>`SELECT 1 AS one`.execute(db)).rows).toEqual([{ one: 1 }]);
    } finally {
      await db.destroy();
    }
  });

  it('discards a connection whose query timed out on the client, so the next query does not wait behind it', async () => {
    // The server would let the statement run (no statement time-out); only the client gives up.
    const db = createDb(inject('databaseUrl'), { max: 1, timeouts: { connectMs: 1_000, statementMs: 0, queryMs: 300, idleInTransactionMs: 0 } });
    try {
      const slow = await elapsed(() => sql`SELECT pg_sleep(3)`.execute(db));
      expect(slow.outcome).toBe('Query read timeout');
      // With the timed-out connection back in the pool this would queue behind pg_sleep and time out too.
      const next = await elapsed(() => sql`SELECT 1`.execute(db));
      expect(next.outcome).toBe('ok');
      expect(next.ms).toBeLessThan(1_000);
    } finally {
      await db.destroy();
    }
  });

  it('fails a transaction whose query timed out after one time-out, not two (no ROLLBACK queued behind it)', async () => {
    const db = createDb(inject('databaseUrl'), { max: 1, timeouts: { connectMs: 1_000, statementMs: 0, queryMs: 500, idleInTransactionMs: 0 } });
    try {
      const { outcome, ms } = await elapsed(() => db.transaction().execute((trx) => sql`SELECT pg_sleep(3)`.execute(trx)));
      expect(outcome).not.toBe('ok');
      expect(ms).toBeLessThan(900);
      expect((await elapsed(() => sql`SELECT 1`.execute(db))).outcome).toBe('ok');
    } finally {
      await db.destroy();
    }
  });
});

describe('a connection lost while checked out', () => {
  it('is reported and discarded, not an uncaught error: the transaction fails and the pool goes on', async () => {
    const lost: string[] = [];
    const db = createDb(inject('databaseUrl'), { max: 1, onPoolError: (err) => lost.push(err.message) });
    const admin = createDb(inject('databaseUrl'), { max: 1 });
    try {
      const outcome = await db
        .transaction()
        .execute(async (trx) => {
          const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(trx);
          // The server ends this session while the transaction waits on the application.
          await sql`SELECT pg_terminate_backend(${rows[0]!.pid})`.execute(admin);
          await expect.poll(() => lost.length, { timeout: 5_000, interval: 20 }).toBeGreaterThan(0);
          await sql`SELECT 1`.execute(trx);
        })
        .then(
          () => 'committed',
          () => 'failed',
        );
      expect(outcome).toBe('failed');
      expect(lost.length).toBeGreaterThan(0); // the FATAL message, and the end of the connection
      expect((await sql<{ one: number }>`SELECT 1 AS one`.execute(db)).rows).toEqual([{ one: 1 }]);
    } finally {
      await admin.destroy();
      await db.destroy();
    }
  });
});

describe('a frozen PostgreSQL (SIGSTOP)', () => {
  let cluster: OwnCluster;
  beforeAll(async () => {
    cluster = await startOwnCluster();
  });
  afterAll(() => cluster?.destroy());

  it('turns into errors within the time-outs, for new and pooled connections, and recovers after the thaw', async () => {
    const db = createDb(cluster.url, { max: 2, timeouts: timeoutsFor(500, 500) });
    try {
      await sql`SELECT 1`.execute(db); // one pooled connection, open before the freeze
      cluster.freeze();
      const results = await Promise.all([1, 2, 3].map(() => elapsed(() => sql`SELECT 1`.execute(db))));
      for (const { outcome, ms } of results) {
        expect(outcome).not.toBe('ok');
        // query time-out (statement + 2 s) at most, plus scheduling slack: never a hang.
        expect(ms).toBeLessThan(4_000);
      }
      cluster.thaw();
      // Timed-out connections were discarded: the pool works again without a restart.
      const after = await elapsed(() => sql`SELECT 1`.execute(db));
      expect(after.outcome).toBe('ok');
    } finally {
      cluster.thaw();
      await db.destroy();
    }
  });

  it('makes /api/health answer 503 within about 2 s, then 200 after the thaw', async () => {
    process.env.DATABASE_URL = cluster.url;
    const { GET } = await import('../app/api/health/route');
    expect((await GET()).status).toBe(200);
    cluster.freeze();
    try {
      const { outcome, ms } = await elapsed(async () => {
        const res = await GET();
        if (res.status !== 503) throw new Error(`status ${res.status}`);
      });
      expect(outcome).toBe('ok');
      expect(ms).toBeLessThan(2_500);
    } finally {
      cluster.thaw();
    }
    await expect.poll(async () => (await GET()).status, { timeout: 15_000, interval: 200 }).toBe(200);
  });
});
