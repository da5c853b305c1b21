import type { ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createDb } from '../db/client';
import { freePort, startEmbeddedPostgres } from '../db/embedded';
import { migrateToLatest } from '../db/migrate';
import { countMessages } from '../db/repositories/message.repository';
import { createTestUser } from '../testing/factories';
import { startLoopbackDns } from '../testing/loopback-dns';
import { machineBusyMs, treeCpuMs } from './cpu';
import { type LoadResult, runLoad } from './load';
import { startChild, stopChild, runBenchmark } from './children';
import { runExternal } from './smtp-external';

/**
 * Inbound SMTP throughput: the real sidecar (`smtp/main.ts`: mailauth against a DNS server on
 * loopback, OpenPGP encryption, committed rows) against a bare smtp-server that only reads the
 * message, under the same load. Everything runs on this machine and stops by itself.
 *
 *   npm run bench:smtp -- --messages 2000 --concurrency 200 --bytes 20480 --workers 2 --warmup 400 [--durable]
 *   npm run bench:smtp -- --external [--plugins dmarc,rspamd,clamav]   (`npm start` from outside: smtp-external.ts)
 *
 * Each flag also reads BENCH_MESSAGES, BENCH_CONCURRENCY, BENCH_BYTES, BENCH_WORKERS, BENCH_WARMUP,
 * BENCH_DURABLE. It prints messages/s, p50/p99 latency from the final dot to the reply, the
 * sidecar/sink ratio, and where the machine's CPU went per message (other processes included: the
 * figures only mean something on an otherwise idle machine).
 */
const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: process.env.BENCH_MESSAGES ?? '2000' },
    concurrency: { type: 'string', default: process.env.BENCH_CONCURRENCY ?? '200' },
    bytes: { type: 'string', default: process.env.BENCH_BYTES ?? String(20 * 1024) },
    workers: { type: 'string', default: process.env.BENCH_WORKERS ?? '2' },
    // Messages sent before measuring, so both servers are measured with their code optimised by the JIT.
    warmup: { type: 'string', default: process.env.BENCH_WARMUP ?? '400' },
    // fsync on, as in production; the default trades it for repeatable figures on a shared disk.
    durable: { type: 'boolean', default: process.env.BENCH_DURABLE === '1' },
    // Drive `npm start` (its defaults, fsync on) from Postfix's smtp-source instead: bench/smtp-external.ts.
    external: { type: 'boolean', default: process.env.BENCH_EXTERNAL === '1' },
    // With --external: PLUGINS for the instance (rspamd and clamd are started on loopback).
    plugins: { type: 'string', default: process.env.BENCH_PLUGINS ?? '' },
  },
});
const messages = Number(values.messages);
const concurrency = Number(values.concurrency);
const bytes = Number(values.bytes);
const workers = Number(values.workers);
const warmup = Number(values.warmup);

interface CpuShare {
  server: number;
  postgres: number;
  loadGenerator: number;
  elsewhere: number;
}

/** Runs the load and says where the machine's CPU went, in milliseconds per accepted message. */
async function measured(server: ChildProcess, run: () => Promise<LoadResult>): Promise<{ result: LoadResult; cpu: CpuShare }> {
  const snapshot = () => ({
    server: treeCpuMs(server.pid!),
    postgres: treeCpuMs(process.pid, 'postgres'),
    own: process.cpuUsage(),
    machine: machineBusyMs(),
  });
  const before = snapshot();
  const result = await run();
  const after = snapshot();
  const own = process.cpuUsage(before.own);
  const per = (ms: number) => ms / Math.max(1, result.accepted);
  const server_ = after.server - before.server;
  const postgres = after.postgres - before.postgres;
  const loadGenerator = (own.user + own.system) / 1000;
  const elsewhere = after.machine - before.machine - server_ - postgres - loadGenerator;
  return { result, cpu: { server: per(server_), postgres: per(postgres), loadGenerator: per(loadGenerator), elsewhere: per(Math.max(0, elsewhere)) } };
}

const formatCpu = (c: CpuShare) =>
  `         CPU per message: server ${c.server.toFixed(2)} ms, postgres ${c.postgres.toFixed(2)} ms, load generator ${c.loadGenerator.toFixed(2)} ms, other processes ${c.elsewhere.toFixed(2)} ms`;

const format = (r: LoadResult) =>
  `${r.perSecond.toFixed(0).padStart(6)} msg/s   p50 ${r.p50.toFixed(1).padStart(7)} ms   p99 ${r.p99.toFixed(1).padStart(7)} ms   ` +
  `max ${r.max.toFixed(0).padStart(5)} ms   ${r.accepted}/${r.sent} accepted in ${r.seconds.toFixed(2)} s` +
  (Object.keys(r.refused).length ? `   refused ${JSON.stringify(r.refused)}` : '');

async function main() {
  console.log(
    `bench:smtp  ${messages} messages of ${bytes} bytes over ${concurrency} connections, ${workers} worker(s), ${values.durable ? 'durable' : 'fsync off'}, ${os.cpus().length} cores`,
  );
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sealpost-bench-'));
  chmodSync(dir, 0o755); // embedded PostgreSQL runs as the postgres user when we are root
  const cluster = await startEmbeddedPostgres({ dataDir: dir, ephemeral: !values.durable });
  const db = createDb(cluster.url, { max: 2 });
  const dns = await startLoopbackDns({ 'sender.example': { TXT: ['v=spf1 ip4:127.0.0.1 -all'] } });
  const children: ChildProcess[] = [];
  try {
    await migrateToLatest(db);
    process.env.MAIL_DOMAIN = 'localhost';
    const user = await createTestUser(db);
    const to = `${user.username}@localhost`;

    const sinkPort = await freePort();
    const sink = await startChild(['bench/sink.ts', String(sinkPort), String(workers)], {}, 'sink listening');
    children.push(sink);
    if (warmup > 0) await runLoad({ port: sinkPort, messages: warmup, concurrency, bytes, to });
    const { result: baseline, cpu: sinkCpu } = await measured(sink, () => runLoad({ port: sinkPort, messages, concurrency, bytes, to }));
    await stopChild(sink);
    console.log(`sink     ${format(baseline)}`);
    console.log(formatCpu(sinkCpu));

    const smtpPort = await freePort();
    const sidecar = await startChild(
      ['smtp/main.ts'],
      {
        DATABASE_URL: cluster.url,
        DATA_DIR: dir,
        MAIL_DOMAIN: 'localhost',
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(smtpPort),
        SMTP_WORKERS: String(workers),
        // Every benchmark connection comes from 127.0.0.1.
        SMTP_MAX_CLIENTS_PER_IP: String(concurrency),
        SMTP_MAX_CLIENTS: String(concurrency * 2),
        DNS_SERVERS: dns.address,
        // As in production: one info line per stored message.
        LOG_LEVEL: 'info',
      },
      '"msg":"smtp listening"',
    );
    children.push(sidecar);
    const dnsBefore = dns.queries();
    // Warm-up messages refused under load (451) are not stored either: count what was accepted.
    const warmedUp = warmup > 0 ? (await runLoad({ port: smtpPort, messages: warmup, concurrency, bytes, to })).accepted : 0;
    const { result, cpu } = await measured(sidecar, () => runLoad({ port: smtpPort, messages, concurrency, bytes, to }));
    await stopChild(sidecar);
    console.log(`sidecar  ${format(result)}`);
    console.log(formatCpu(cpu));

    const stored = (await countMessages(db, user.account.id, 'inbox')).total;
    console.log(`stored   ${stored} encrypted messages (${warmedUp} of them warm-up); ${dns.queries() - dnsBefore} DNS queries answered on loopback`);
    console.log(`ratio    sidecar/sink = ${(result.perSecond / baseline.perSecond).toFixed(2)}`);
    if (stored !== result.accepted + warmedUp) throw new Error(`accepted ${result.accepted + warmedUp} but stored ${stored}`);
  } finally {
    await Promise.all(children.map(stopChild));
    await dns.close();
    await db.destroy();
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

runBenchmark(() => (values.external ? runExternal({ messages, concurrency, bytes, warmup, plugins: values.plugins ?? '' }) : main()));
