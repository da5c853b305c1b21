import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createDb, type Db } from '../db/client';
import { type EmbeddedCluster, freePort, startEmbeddedPostgres } from '../db/embedded';
import { createTestUser } from '../testing/factories';
import { startLoopbackDns } from '../testing/loopback-dns';
import { dataPayload, RawSmtpClient, toCrlf } from '../testing/smtp-raw-client';
import { stopChild, runBenchmark } from './children';
import { makeMessage } from './load';

/**
 * A database outage under steady SMTP load, as an operator would see it: `sealpost start smtp
 * worker` against an external DATABASE_URL (a cluster this script owns), PostgreSQL stopped with
 * SIGINT (fast shutdown) for --outage seconds, then started again by this script.
 *
 *   npm run bench:db-outage -- --outage 20 --senders 4 [--freeze | --embedded]
 *
 * --freeze sends SIGSTOP/SIGCONT to every PostgreSQL process instead (a hung, not a stopped,
 * database). --embedded runs without DATABASE_URL and SIGINTs the supervisor's own embedded
 * cluster; the outage then lasts until the supervisor has started it again. Prints the replies by code during the outage, 250s against stored rows, seconds to the
 * first 250 after the database returns, the health transitions (the /api/health handler polled in
 * this process) and the roles that exited.
 */
const { values } = parseArgs({
  options: {
    outage: { type: 'string', default: process.env.BENCH_OUTAGE_SECONDS ?? '20' },
    senders: { type: 'string', default: process.env.BENCH_SENDERS ?? '4' },
    freeze: { type: 'boolean', default: process.env.BENCH_FREEZE === '1' },
    embedded: { type: 'boolean', default: process.env.BENCH_EMBEDDED === '1' },
  },
});
const outageMs = Number(values.outage) * 1000;
const senders = Number(values.senders);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// A sending MTA's patience for one reply (RFC 5321 4.5.3.2 allows more; 30 s is what clients use).
const CLIENT_PATIENCE_MS = 30_000;

interface Attempt {
  startedAt: number;
  endedAt: number;
  /** The reply that ended the transaction: the first refusal, or the reply to the final dot. */
  outcome: string;
  queueId?: string;
}

const now = () => performance.now();

function withPatience<T>(promise: Promise<T>): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('no reply')), CLIENT_PATIENCE_MS))]);
}

async function oneTransaction(port: number, to: string, index: number): Promise<Attempt> {
  const startedAt = now();
  let client: RawSmtpClient | undefined;
  const done = (outcome: string, queueId?: string): Attempt => {
    client?.close();
    return { startedAt, endedAt: now(), outcome, queueId };
  };
  try {
    const connected = await withPatience(RawSmtpClient.connect(port));
    client = connected.client;
    if (connected.greeting.code !== 220) return done(String(connected.greeting.code));
    for (const line of ['EHLO bench.example', 'MAIL FROM:<bench@sender.example>', `RCPT TO:<${to}>`, 'DATA']) {
      const reply = await withPatience(client.command(line));
      if (reply.code >= 400) return done(String(reply.code));
    }
    client.write(dataPayload(toCrlf(makeMessage(2048, index, to))));
    const final = await withPatience(client.read());
    const queueId = /queued as ([0-9a-f-]{36})/.exec(final.text)?.[1];
    return done(String(final.code), queueId);
  } catch (err) {
    const message = (err as Error).message;
    return done(message === 'no reply' ? 'no reply' : (err as NodeJS.ErrnoException).code === 'ECONNREFUSED' ? 'refused' : 'closed');
  }
}

function postgresPids(dataDir: string): number[] {
  const postmaster = Number(readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
  const children = readFileSync(`/proc/${postmaster}/task/${postmaster}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  return [postmaster, ...children];
}

async function main() {
  const mode = values.embedded
    ? 'embedded PostgreSQL killed (SIGINT), restarted by the supervisor'
    : `${values.freeze ? 'SIGSTOP' : 'SIGINT'} PostgreSQL for ${outageMs / 1000} s`;
  console.log(`bench:db-outage  ${mode}, under ${senders} senders`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sealpost-outage-'));
  chmodSync(dir, 0o755); // embedded PostgreSQL runs as the postgres user when we are root
  // External mode: this script's own cluster under pg/. Embedded mode: the supervisor's, under sealpost/.
  const pgDir = path.join(dir, values.embedded ? 'sealpost' : 'pg');
  let cluster: EmbeddedCluster | undefined = values.embedded ? undefined : await startEmbeddedPostgres({ dataDir: pgDir });
  const dns = await startLoopbackDns({ 'sender.example': { TXT: ['v=spf1 ip4:127.0.0.1 -all'] } });
  let supervisor: ChildProcess | undefined;
  let db: Db | undefined;
  try {
    const smtpPort = await freePort();
    supervisor = spawn(process.execPath, ['--import', 'tsx', 'bin/sealpost.ts', 'start', 'smtp', 'worker'], {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: cluster?.url ?? '',
        DATA_DIR: path.join(dir, 'sealpost'),
        SECRET_KEY: 'bench-secret-key-bench-secret-key-0123456789',
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(smtpPort),
        DNS_SERVERS: dns.address,
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const log: string[] = [];
    let partial = '';
    supervisor.stdout!.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop()!;
      log.push(...lines);
      if (process.env.BENCH_VERBOSE) for (const l of lines) console.error(l);
    });
    const supervisorExit = new Promise<string>((resolve) => supervisor!.once('exit', (code, signal) => resolve(`supervisor exited (${code ?? signal})`)));
    const started = now();
    while (!log.some((l) => l.includes('"smtp listening"'))) {
      if (supervisor.exitCode !== null) throw new Error(`supervisor exited:\n${log.join('\n')}`);
      if (now() - started > 60_000) throw new Error('smtp role did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    // The supervisor has migrated the database (and, embedded, says where it is in sealpost.pid).
    const url = cluster?.url ?? (JSON.parse(readFileSync(path.join(dir, 'sealpost', 'sealpost.pid'), 'utf8')) as { databaseUrl: string }).databaseUrl;
    db = createDb(url, { max: 2, onPoolError: () => undefined });
    process.env.MAIL_DOMAIN = 'localhost';
    process.env.DATABASE_URL = url;
    const user = await createTestUser(db);
    const to = `${user.username}@localhost`;
    const { GET: health } = await import('../app/api/health/route');
    const logFrom = log.length;

    // Load and health polling run until `stop`.
    const attempts: Attempt[] = [];
    const healthChanges: { at: number; status: number }[] = [];
    let stop = false;
    let index = 0;
    const load = Promise.all(
      Array.from({ length: senders }, async () => {
        while (!stop) {
          const attempt = await oneTransaction(smtpPort, to, index++);
          attempts.push(attempt);
          // A refused connection returns at once: don't spin.
          if (attempt.outcome === 'refused') await new Promise((r) => setTimeout(r, 100));
        }
      }),
    );
    const polling = (async () => {
      while (!stop) {
        const status = await Promise.race([health().then((r) => r.status), new Promise<number>((resolve) => setTimeout(() => resolve(0), 10_000))]);
        if (healthChanges.at(-1)?.status !== status) healthChanges.push({ at: now(), status });
        await new Promise((r) => setTimeout(r, 250));
      }
    })();

    await new Promise((r) => setTimeout(r, 3000));
    const downAt = now();
    const frozen = values.freeze ? postgresPids(pgDir) : [];
    if (values.freeze) for (const pid of frozen) process.kill(pid, 'SIGSTOP');
    else process.kill(postgresPids(pgDir)[0]!, 'SIGINT');
    if (values.embedded) {
      // The outage lasts until the supervisor has PostgreSQL running again (or 60 s).
      while (now() - downAt < 60_000 && !log.some((l) => l.includes('"embedded PostgreSQL restarted"'))) await new Promise((r) => setTimeout(r, 50));
    } else {
      await new Promise((r) => setTimeout(r, outageMs));
      if (values.freeze) for (const pid of frozen) process.kill(pid, 'SIGCONT');
      else cluster = await startEmbeddedPostgres({ dataDir: pgDir });
    }
    const upAt = now();
    const upAtEpoch = Date.now();

    // Run on until a 250 has come back and 5 s more have passed and the worker is back, or 60 s.
    const workerBack = () => !log.slice(logFrom).some((l) => l.includes('"worker presence session lost')) || workerReadyAfter(upAtEpoch) !== undefined;
    function workerReadyAfter(epoch: number): number | undefined {
      const line = log.slice(logFrom).find((l) => l.includes('"worker ready"') && (JSON.parse(l) as { time: number }).time > epoch);
      return line ? (JSON.parse(line) as { time: number }).time - epoch : undefined;
    }
    while (now() - upAt < 60_000) {
      const first = attempts.find((a) => a.endedAt > upAt && a.outcome === '250');
      if (first && now() - first.endedAt > 5000 && workerBack()) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    stop = true;
    await Promise.race([Promise.all([load, polling]), new Promise((r) => setTimeout(r, CLIENT_PATIENCE_MS + 5000))]);
    const endAt = now();

    const tally = (from: number, to_: number) => {
      const counts: Record<string, number> = {};
      for (const a of attempts.filter((a) => a.endedAt >= from && a.endedAt < to_)) counts[a.outcome] = (counts[a.outcome] ?? 0) + 1;
      return counts;
    };
    const accepted = new Set(attempts.filter((a) => a.queueId).map((a) => a.queueId!));
    const after = createDb(url, { max: 1, onPoolError: () => undefined });
    const rows = await after
      .selectFrom('messages')
      .select('id')
      .where('user_id', '=', user.account.id)
      .execute()
      .catch(() => undefined);
    await after.destroy();
    const stored = new Set((rows ?? []).map((r) => r.id));
    const firstAfter = attempts.filter((a) => a.endedAt > upAt && a.outcome === '250').sort((a, b) => a.endedAt - b.endedAt)[0];
    const roleLog = log.slice(logFrom);
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

    console.log(`before outage   ${JSON.stringify(tally(0, downAt))}`);
    console.log(`during outage   ${JSON.stringify(tally(downAt, upAt))}   (replies that ended while the database was away)`);
    const outageMs_ = attempts
      .filter((a) => a.endedAt >= downAt && a.endedAt < upAt)
      .map((a) => a.endedAt - a.startedAt)
      .sort((a, b) => a - b);
    if (outageMs_.length)
      console.log(
        `                transaction time during the outage: median ${s(outageMs_[Math.floor(outageMs_.length / 2)]!)}, slowest ${s(outageMs_.at(-1)!)}; database away for ${s(upAt - downAt)}`,
      );
    console.log(`after outage    ${JSON.stringify(tally(upAt, endAt + 1))}`);
    if (!rows) console.log('stored          unknown: the database is still unreachable');
    else
      console.log(
        `250s            ${accepted.size}; stored ${stored.size}; 250 but not stored ${[...accepted].filter((id) => !stored.has(id)).length}; stored without a 250 ${[...stored].filter((id) => !accepted.has(id)).length}`,
      );
    console.log(`first 250 after the database returned: ${firstAfter ? s(firstAfter.endedAt - upAt) : 'none within 60 s'}`);
    console.log(`health          ${healthChanges.map((h) => `${h.status || 'hang'} at ${s(h.at - downAt)}`).join(' → ')}   (times from the outage start)`);
    const exits = roleLog.filter((l) => l.includes('role exited unexpectedly')).map((l) => JSON.parse(l).child as string);
    console.log(
      `role exits      ${exits.length ? exits.join(', ') : 'none'}${roleLog.some((l) => l.includes('"shutting down"')) ? '; the supervisor shut everything down' : ''}`,
    );
    const workerMs = workerReadyAfter(upAtEpoch);
    console.log(
      `worker          ${roleLog.some((l) => l.includes('"worker presence session lost')) ? `lost its session; ready again ${workerMs === undefined ? 'never (within the run)' : `${s(workerMs)} after the database returned`}` : 'kept its session'}`,
    );
    console.log(`supervisor      ${supervisor.exitCode === null ? 'running' : await supervisorExit}`);
  } finally {
    if (supervisor) await stopChild(supervisor);
    await dns.close();
    await db?.destroy().catch(() => undefined);
    await cluster?.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

runBenchmark(main);
