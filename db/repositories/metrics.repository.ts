import 'server-only';
import { sql } from 'kysely';
import type { Db } from '../client';

/** What the worker's queue gauges show: read at scrape time, a few grouped counts. */
export interface QueueDepth {
  jobs: { queue: string; state: string; count: number }[];
  outbound: { status: string; count: number }[];
  deadLetters: number;
}

export async function readQueueDepth(db: Db): Promise<QueueDepth> {
  const [jobs, outbound, dead] = await Promise.all([
    // Every queue in every state, zeros included, so an empty queue is a 0 and not a missing series.
    sql<{ queue: string; state: string; count: string }>`
      SELECT q.name AS queue, s.state::text AS state, count(j.id) AS count
      FROM pgboss.queue q
      CROSS JOIN unnest(enum_range(NULL::pgboss.job_state)) AS s(state)
      LEFT JOIN pgboss.job j ON j.name = q.name AND j.state = s.state
      GROUP BY 1, 2`.execute(db),
    // Only the states that still have work ahead: finished rows are many and purged on a schedule.
    db
      .selectFrom('outbound_messages')
      .select(['status', (eb) => eb.fn.countAll<string>().as('count')])
      .where('status', 'in', ['scheduled', 'queued', 'sending'])
      .groupBy('status')
      .execute(),
    db
      .selectFrom('dead_letters')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('retried_at', 'is', null)
      .executeTakeFirstOrThrow(),
  ]);
  return {
    jobs: jobs.rows.map((r) => ({ queue: r.queue, state: r.state, count: Number(r.count) })),
    outbound: outbound.map((r) => ({ status: r.status, count: Number(r.count) })),
    deadLetters: Number(dead.count),
  };
}

/** Whether the database answers a trivial query within `ms`: the /api/health of every role. */
export async function databaseAnswers(db: Db, ms = 2_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const ping = sql`SELECT 1`.execute(db).then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([ping, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
