import { queueTestMail } from '../testing/outgoing-mail';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createDb } from '../db/client';
import { startEmbeddedPostgres } from '../db/embedded';
import { migrateToLatest } from '../db/migrate';
import { upsertSendLimits } from '../db/repositories/send-limit.repository';
import { systemClock } from '../server/clock';
import { configureSecrets } from '../server/secrets';
import { outboundQueue, startBoss } from '../server/jobs/boss';
import { publishInstanceDkim } from '../testing/outbound/fixtures';
import { SINK_HOST, routeToSink } from '../testing/outbound/harness';
import { startSmtpSink } from '../testing/outbound/smtp-sink';
import { createTestUser } from '../testing/factories';
import { type LoopbackZone, startLoopbackDns } from '../testing/loopback-dns';
import { type IoCounts, machineBusyMs, processIo, treeCpuMs, treeIo } from './cpu';
import { stopChild, runBenchmark } from './children';
import { percentile } from './load';
import { printStatementStats, resetStatementStats, restartWithStatementStats } from './statements';

/**
 * Outbound throughput, end to end: queue (compose, DKIM-sign, seal, commit row + pg-boss job),
 * then the real worker role (server/jobs/main.ts: claim, MX lookup on a loopback
 * DNS server, pooled SMTP with STARTTLS, outcome commits) delivering to a sink that only reads.
 * Everything runs on this machine, in its own embedded PostgreSQL, and stops by itself.
 *
 *   npm run bench:outbound -- --messages 2000 --senders 16 --concurrency 32 --worker-concurrency 64 [--warmup 0] [--no-tls] [--durable] [--statements]
 *
 * --warmup N sends N messages end to end before the measured ones (not counted): the measured
 * run then starts with code V8 has already compiled, as in a worker that has been up a while.
 * The default, 0, measures from cold. --statements restarts the cluster with pg_stat_statements
 * and prints the SQL run per message. Each flag also reads BENCH_MESSAGES, BENCH_SENDERS,
 * BENCH_CONCURRENCY, BENCH_WORKER_CONCURRENCY, BENCH_WARMUP.
 */
const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: process.env.BENCH_MESSAGES ?? '2000' },
    concurrency: { type: 'string', default: process.env.BENCH_CONCURRENCY ?? '32' },
    'worker-concurrency': { type: 'string', default: process.env.BENCH_WORKER_CONCURRENCY ?? '64' },
    senders: { type: 'string', default: process.env.BENCH_SENDERS ?? '16' },
    warmup: { type: 'string', default: process.env.BENCH_WARMUP ?? '0' },
    'no-tls': { type: 'boolean', default: false },
    durable: { type: 'boolean', default: process.env.BENCH_DURABLE === '1' },
    statements: { type: 'boolean', default: false },
  },
});
const messages = Number(values.messages);
const concurrency = Number(values.concurrency);
const workerConcurrency = Number(values['worker-concurrency']);
const senders = Number(values.senders);
const warmup = Number(values.warmup);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  // BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") go to the worker's node, for profiling.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'server/jobs/main.ts'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    let started = false;
    child.stdout!.on('data', (chunk: Buffer) => {
      if (started) return; // keep draining the pipe, stop keeping it
      output += chunk.toString('utf8');
      if (output.includes('"worker ready"')) {
        started = true;
        resolve(child);
      }
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}:\n${output}`)));
  });
}

async function main() {
  console.log(
    `bench:outbound  ${messages} messages from ${senders} senders${warmup ? ` after ${warmup} to warm up` : ', from cold'}, ${concurrency} queued at once, ` +
      `worker concurrency ${workerConcurrency}, ${values['no-tls'] ? 'no TLS' : 'STARTTLS'}, ${os.cpus().length} cores`,
  );
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sealpost-bench-outbound-'));
  chmodSync(dir, 0o755); // embedded PostgreSQL runs as the postgres user when we are root
  let cluster = await startEmbeddedPostgres({ dataDir: dir, ephemeral: !values.durable });
  if (values.statements) cluster = await restartWithStatementStats(cluster, dir, !values.durable);
  const db = createDb(cluster.url, { max: 10 });
  const zone: LoopbackZone = { [SINK_HOST]: { A: ['127.0.0.1'] } };
  routeToSink(zone, 'sink.bench');
  const dns = await startLoopbackDns(zone);

  const queuedAt = new Map<string, number>();
  const latencies: number[] = [];
  let accepted = 0;
  let lastAccept = 0;
  let allIn: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (allIn = resolve));
  const warming = new Set<string>();
  let warmedUp: () => void = () => undefined;
  const sink = await startSmtpSink(
    {
      data(message) {
        const now = performance.now();
        for (const rcpt of message.recipients) {
          if (warming.delete(rcpt) && warming.size === 0) warmedUp();
          const start = queuedAt.get(rcpt);
          if (start === undefined) continue;
          queuedAt.delete(rcpt);
          latencies.push(now - start);
          accepted += 1;
          lastAccept = now;
        }
        if (accepted === messages) allIn();
        return undefined;
      },
    },
    { tls: !values['no-tls'], record: false },
  );

  let worker: ChildProcess | undefined;
  const boss = await startBoss(cluster.url, 'sender');
  try {
    await migrateToLatest(db);
    process.env.MAIL_DOMAIN = 'localhost';
    process.env.SECRET_KEY ??= randomBytes(32).toString('base64');
    configureSecrets(process.env.SECRET_KEY);
    // Several senders, as on a real server: one user's sends are serialised by the limit check.
    const users = await Promise.all(Array.from({ length: senders }, () => createTestUser(db)));
    const limit = (messages + warmup) * 2;
    for (const user of users) await upsertSendLimits(db, user.account.id, { per_hour: limit, per_day: limit }, new Date());
    await publishInstanceDkim(db, zone);
    worker = await startWorker({
      DATABASE_URL: cluster.url,
      DATA_DIR: dir,
      MAIL_DOMAIN: 'localhost',
      SECRET_KEY: process.env.SECRET_KEY,
      DNS_SERVERS: dns.address,
      OUTBOUND_SMTP_PORT: String(sink.port),
      OUTBOUND_CONCURRENCY: String(workerConcurrency),
      LOG_LEVEL: 'info',
    });
    const queue = outboundQueue(boss);
    const body = 'Hello,\n\n' + 'This is the benchmark message body, a few lines of plain text.\n'.repeat(30);
    /** Queues `count` messages to <prefix><i>@sink.bench from `concurrency` producers at once. */
    const queueAll = async (count: number, prefix: string, queued: (to: string) => void) => {
      let next = 0;
      const producer = async () => {
        while (next < count) {
          const i = next++;
          const to = `${prefix}${i}@sink.bench`;
          const user = users[i % users.length]!;
          queued(to);
          await queueTestMail(db, queue, systemClock, user.account, {
            from: user.account.address,
            to: [to],
            cc: [],
            bcc: [],
            subject: `Benchmark ${i}`,
            text: body,
            sendAt: systemClock.now(),
          });
        }
      };
      await Promise.all(Array.from({ length: concurrency }, producer));
    };

    if (warmup > 0) {
      const warm = new Promise<void>((resolve) => (warmedUp = resolve));
      await queueAll(warmup, 'w', (to) => warming.add(to));
      await warm;
    }
    if (values.statements) await resetStatementStats(cluster.url);
    const ioBefore = { worker: treeIo(worker.pid!), postgres: treeIo(process.pid, 'postgres'), own: processIo(process.pid) };
    const cpuBefore = { worker: treeCpuMs(worker.pid!), postgres: treeCpuMs(process.pid, 'postgres'), own: process.cpuUsage(), machine: machineBusyMs() };
    const start = performance.now();
    await queueAll(messages, 'm', (to) => queuedAt.set(to, performance.now()));
    const queueEnd = performance.now();
    const timeout = setTimeout(() => allIn(), 120_000);
    await done;
    clearTimeout(timeout);

    const seconds = (lastAccept - start) / 1000;
    const sorted = [...latencies].sort((a, b) => a - b);
    const own = process.cpuUsage(cpuBefore.own);
    const per = (ms: number) => (ms / Math.max(1, accepted)).toFixed(2);
    const workerCpu = treeCpuMs(worker.pid!) - cpuBefore.worker;
    const postgresCpu = treeCpuMs(process.pid, 'postgres') - cpuBefore.postgres;
    const ownCpu = (own.user + own.system) / 1000;
    console.log(
      `queued   ${(messages / ((queueEnd - start) / 1000)).toFixed(0).padStart(6)} msg/s   (compose, DKIM-sign, seal, commit with its job) in ${((queueEnd - start) / 1000).toFixed(2)} s`,
    );
    console.log(
      `e2e      ${(accepted / seconds).toFixed(0).padStart(6)} msg/s   p50 ${percentile(sorted, 50).toFixed(0)} ms   p99 ${percentile(sorted, 99).toFixed(0)} ms   max ${sorted.at(-1)?.toFixed(0)} ms   ${accepted}/${messages} accepted in ${seconds.toFixed(2)} s`,
    );
    const machine = machineBusyMs() - cpuBefore.machine;
    console.log(
      `         CPU per message: worker ${per(workerCpu)} ms, postgres ${per(postgresCpu)} ms, queue+sink process ${per(ownCpu)} ms, ` +
        `whole machine ${per(machine)} ms (includes anything else running)`,
    );
    // Every round trip between processes costs a write, a read and a sleep on each side. (PostgreSQL
    // uses send and recv, which the kernel doesn't count as reads and writes: only its sleeps show.)
    const io = (after: IoCounts, before: IoCounts) =>
      `${per(after.writes - before.writes)} writes, ${per(after.reads - before.reads)} reads, ${per(after.sleeps - before.sleeps)} sleeps`;
    console.log(
      `         syscalls per message: worker ${io(treeIo(worker.pid!), ioBefore.worker)}; ` +
        `postgres ${per(treeIo(process.pid, 'postgres').sleeps - ioBefore.postgres.sleeps)} sleeps; queue+sink process ${io(processIo(process.pid), ioBefore.own)}`,
    );
    // What this pipeline alone could do with every core to itself: its own CPU per message.
    const ownPerMessage = (workerCpu + postgresCpu + ownCpu) / Math.max(1, accepted);
    console.log(`         CPU-bound ceiling on ${os.cpus().length} idle cores: ${((os.cpus().length * 1000) / ownPerMessage).toFixed(0)} msg/s`);
    if (values.statements) await printStatementStats(cluster.url, accepted);
    if (accepted !== messages) throw new Error(`only ${accepted} of ${messages} messages reached the sink`);
  } finally {
    if (worker) await stopChild(worker);
    await boss.stop({ graceful: false, close: true, wait: true });
    await sink.close();
    await dns.close();
    await db.destroy();
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

runBenchmark(main);
