import pg from 'pg';
import { type EmbeddedCluster, startEmbeddedPostgres } from '../db/embedded';

/**
 * `--statements`: which SQL statements a benchmark run executed, per message, from
 * pg_stat_statements. The module must be preloaded, so the cluster is restarted once with it
 * before the run. It costs some CPU itself: leave it off when measuring throughput.
 */
export async function restartWithStatementStats(cluster: EmbeddedCluster, dataDir: string, ephemeral: boolean): Promise<EmbeddedCluster> {
  await withClient(cluster.url, async (c) => {
    await c.query(`ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'`);
    await c.query('ALTER SYSTEM SET pg_stat_statements.track_planning = on');
  });
  await cluster.stop();
  const restarted = await startEmbeddedPostgres({ dataDir, ephemeral });
  await withClient(restarted.url, (c) => c.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements'));
  return restarted;
}

export async function resetStatementStats(url: string): Promise<void> {
  await withClient(url, (c) => c.query('SELECT pg_stat_statements_reset()'));
}

/** Statements run per message (of `per`), most frequent first; those rarer than one in 50 messages are only summed. */
export async function printStatementStats(url: string, per: number): Promise<void> {
  const { rows } = await withClient(url, (c) =>
    c.query<{ calls: string; plans: string; ms: number; plan_ms: number; query: string }>(
      `SELECT calls, plans, total_exec_time AS ms, total_plan_time AS plan_ms, regexp_replace(query, '\\s+', ' ', 'g') AS query
         FROM pg_stat_statements ORDER BY calls DESC, total_exec_time DESC`,
    ),
  );
  const sum = (pick: (r: (typeof rows)[number]) => number) => rows.reduce((total, r) => total + pick(r), 0) / per;
  console.log(
    `         statements per message: ${sum((r) => Number(r.calls)).toFixed(2)}, execution ${sum((r) => r.ms).toFixed(3)} ms, planning ${sum((r) => r.plan_ms).toFixed(3)} ms`,
  );
  console.log('    calls   plans    exec ms  plan ms  (per message)');
  for (const r of rows.filter((r) => Number(r.calls) >= per / 50)) {
    const f = (n: number, digits: number) => (n / per).toFixed(digits).padStart(7);
    console.log(`  ${f(Number(r.calls), 2)} ${f(Number(r.plans), 2)}  ${f(r.ms, 3)}  ${f(r.plan_ms, 3)}  ${r.query.slice(0, 140)}`);
  }
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
