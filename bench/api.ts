import './api-env';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import http from 'node:http';
import { dkimVerify } from 'mailauth/lib/dkim/verify';
import { createDb } from '../db/client';
import { freePort, startEmbeddedPostgres } from '../db/embedded';
import { migrateToLatest } from '../db/migrate';
import { systemClock } from '../server/clock';
import { configureSecrets } from '../server/secrets';
import { createDnsResolver } from '../server/mail/dns';
import { createApiKey } from '../server/platform/api-keys';
import { settingsFrom } from '../server/settings';
import { parseEnv } from '../server/env';
import { createTestUser } from '../testing/factories';
import { type LoopbackZone, startLoopbackDns } from '../testing/loopback-dns';
import { senderDomain } from '../testing/outbound/fixtures';
import { SINK_HOST, routeToSink } from '../testing/outbound/harness';
import { startSmtpSink } from '../testing/outbound/smtp-sink';
import { runBenchmark, startChild, stopChild } from './children';
import { percentile } from './load';
import { treeCpuMs } from './cpu';

/**
 * The sending API, end to end on this machine, in its own embedded PostgreSQL:
 *  1. accepted/s and the send endpoint's latency with C concurrent clients (POST /api/v1/messages:
 *     cached key check, validation, sealing the spec, group commit with its pg-boss job), and the
 *     CPU per accepted message of the API process and of PostgreSQL, with no worker running;
 *  2. then the delivery rate of that backlog by the real worker role (compose, render, DKIM-sign)
 *     to a loopback MX (DNS on loopback, STARTTLS), and a sample checked DKIM-signed for the
 *     customer's domain;
 *  3. the API process's memory (RSS) sampled during a 10,000-recipient batch (10 requests of 1,000).
 *
 *   npm run bench:api -- --messages 3000 --clients 50 --batch 10000
 */
const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: process.env.BENCH_MESSAGES ?? '3000' },
    clients: { type: 'string', default: process.env.BENCH_CLIENTS ?? '50' },
    batch: { type: 'string', default: process.env.BENCH_BATCH ?? '10000' },
  },
});
const messages = Number(values.messages);
const clients = Number(values.clients);
const batchTotal = Number(values.batch);

const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

async function main() {
  console.log(
    `bench:api  ${messages} sends from ${clients} concurrent clients, then a ${batchTotal}-recipient batch; ${os.cpus().length} cores; load average ${load()}`,
  );
  configureSecrets(process.env.SECRET_KEY!);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sealpost-bench-api-'));
  chmodSync(dir, 0o755);
  const cluster = await startEmbeddedPostgres({ dataDir: dir, ephemeral: true });
  const db = createDb(cluster.url, { max: 4 });
  const zone: LoopbackZone = { [SINK_HOST]: { A: ['127.0.0.1'] } };
  routeToSink(zone, 'sink.bench');
  const dns = await startLoopbackDns(zone);
  let delivered = 0;
  let lastDelivery = 0;
  const sink = await startSmtpSink({
    data(message) {
      delivered += message.recipients.length;
      lastDelivery = performance.now();
      return undefined;
    },
  });
  const children: Awaited<ReturnType<typeof startChild>>[] = [];
  try {
    await migrateToLatest(db);
    const user = await createTestUser(db);
    const { domain } = await senderDomain(db, user, zone, 'shop.bench', { local: 'orders' });
    const { secret } = await createApiKey(db, systemClock, settingsFrom(parseEnv()), user.account, {
      domain,
      name: 'bench',
      scopes: ['send', 'templates'],
      ratePerMinute: 1_000_000,
    });
    const childEnv = { DATABASE_URL: cluster.url, DATA_DIR: dir, MAIL_DOMAIN: 'localhost', SECRET_KEY: process.env.SECRET_KEY!, LOG_LEVEL: 'warn' };
    const port = await freePort();
    const api = await startChild(['bench/api-server.ts'], { ...childEnv, PORT: String(port) }, 'api listening');
    children.push(api);
    // The worker starts after the accept phase: acceptance is measured alone (in production,
    // workers run on their own nodes), then the backlog's delivery rate.
    const startWorker = () =>
      startChild(
        ['server/jobs/main.ts'],
        { ...childEnv, LOG_LEVEL: 'info', DNS_SERVERS: dns.address, OUTBOUND_SMTP_PORT: String(sink.port), OUTBOUND_CONCURRENCY: '64' },
        '"worker ready"',
      );
    const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
    const post = (p: string, body: unknown) =>
      new Promise<void>((resolve, reject) => {
        const payload = JSON.stringify(body);
        const req = http.request(
          {
            host: '127.0.0.1',
            port,
            path: `/api/v1${p}`,
            method: 'POST',
            agent,
            headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
          },
          (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString()));
            res.on('end', () => (res.statusCode! >= 200 && res.statusCode! < 300 ? resolve() : reject(new Error(`HTTP ${res.statusCode}: ${text}`))));
          },
        );
        req.on('error', reject);
        req.end(payload);
      });
    const text = `Hello {{name}},\n\n${'This is the benchmark message body, a few lines of plain text.\n'.repeat(30)}`;
    const send = (to: string, i: number) => post('/messages', { from: `Shop <orders@${domain}>`, to, subject: `Order ${i}`, text, tags: ['bench'] });

    // Warm-up (not counted): compiles the code paths and opens the pool.
    for (let i = 0; i < 50; i++) await send(`w${i}@sink.bench`, i);

    // 1. Accept rate and latency.
    const latencies: number[] = [];
    let next = 0;
    const commits = async () => (await (await fetch(`http://127.0.0.1:${port}/bench/commits`)).json()) as { flushes: number; messages: number };
    const commitsBefore = await commits();
    const cpuBefore = { api: treeCpuMs(api.pid!), postgres: treeCpuMs(process.pid, 'postgres') };
    const start = performance.now();
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (next < messages) {
          const i = next++;
          const t = performance.now();
          await send(`m${i}@sink.bench`, i);
          latencies.push(performance.now() - t);
        }
      }),
    );
    const acceptSeconds = (performance.now() - start) / 1000;
    latencies.sort((a, b) => a - b);
    console.log(
      `accept   ${(messages / acceptSeconds).toFixed(0).padStart(6)} msg/s   send p50 ${percentile(latencies, 50).toFixed(1)} ms   p95 ${percentile(latencies, 95).toFixed(1)} ms   p99 ${percentile(latencies, 99).toFixed(1)} ms   (${messages} in ${acceptSeconds.toFixed(2)} s, load ${load()})`,
    );

    const commitsAfter = await commits();
    const per = (ms: number, n = messages) => ms / n;
    const apiCpu = per(treeCpuMs(api.pid!) - cpuBefore.api);
    const pgCpu = per(treeCpuMs(process.pid, 'postgres') - cpuBefore.postgres);
    console.log(
      `         CPU per accepted message: API ${apiCpu.toFixed(2)} ms, postgres ${pgCpu.toFixed(2)} ms; ` +
        `accept ceiling on ${os.cpus().length} idle cores: ${((os.cpus().length * 1000) / (apiCpu + pgCpu)).toFixed(0)} msg/s; ` +
        `${((commitsAfter.messages - commitsBefore.messages) / Math.max(1, commitsAfter.flushes - commitsBefore.flushes)).toFixed(1)} messages per commit`,
    );

    // 2. Delivery of the backlog: the worker composes, renders, DKIM-signs and delivers each.
    const wanted = messages + 50;
    const deliverStartCpu = { postgres: treeCpuMs(process.pid, 'postgres') };
    const deliverStart = performance.now();
    const worker = await startWorker();
    children.push(worker);
    const deadline = Date.now() + 300_000;
    while (delivered < wanted && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const deliverySeconds = (lastDelivery - deliverStart) / 1000;
    console.log(
      `deliver  ${(delivered / deliverySeconds).toFixed(0).padStart(6)} msg/s   ${delivered}/${wanted} reached the loopback MX, ${deliverySeconds.toFixed(2)} s from the worker's start (load ${load()})`,
    );
    console.log(
      `         CPU per delivered message (compose, DKIM, seal-open, SMTP): worker ${per(treeCpuMs(worker.pid!), delivered).toFixed(2)} ms (with its start-up), postgres ${per(treeCpuMs(process.pid, 'postgres') - deliverStartCpu.postgres, delivered).toFixed(2)} ms`,
    );
    // A sample of what arrived, checked against the customer's DKIM key in the loopback DNS.
    const resolver = createDnsResolver([dns.address]);
    const sample = sink.messages.slice(0, 20);
    const passed = (await Promise.all(sample.map((m) => dkimVerify(m.raw, { resolver })))).filter((v) =>
      v.results.some((r) => r.status.result === 'pass' && r.signingDomain === domain),
    ).length;
    console.log(`         DKIM: ${passed}/${sample.length} sampled deliveries pass for d=${domain}`);
    sink.messages.length = 0;

    // 3. Memory of the API process during a 10,000-recipient batch.
    const rss: number[] = [rssMb(api.pid!)];
    const sampler = setInterval(() => rss.push(rssMb(api.pid!)), 100);
    await post('/templates', { name: 'batch', subject: 'Batch {{n}}', html: '<p>Hello {{name}}, your number is {{n}}.</p>' });
    const before = delivered;
    const batchStart = performance.now();
    for (let b = 0; b < batchTotal / 1000; b++) {
      await post('/messages/batch', {
        from: `orders@${domain}`,
        template_id: 'batch',
        recipients: Array.from({ length: 1000 }, (_, i) => ({ to: `b${b}-${i}@sink.bench`, variables: { name: `R${i}`, n: b * 1000 + i } })),
      });
      rss.push(rssMb(api.pid!));
    }
    const batchSeconds = (performance.now() - batchStart) / 1000;
    clearInterval(sampler);
    while (delivered < before + batchTotal && Date.now() < deadline + 300_000) await new Promise((r) => setTimeout(r, 200));
    const third = Math.max(1, Math.floor(rss.length / 3));
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    console.log(
      `batch    ${(batchTotal / batchSeconds).toFixed(0).padStart(6)} msg/s accepted   API RSS start ${rss[0]!.toFixed(0)} MB, first third avg ${avg(rss.slice(0, third)).toFixed(0)} MB, last third avg ${avg(rss.slice(-third)).toFixed(0)} MB, max ${Math.max(...rss).toFixed(0)} MB; ${delivered - before}/${batchTotal} delivered`,
    );
    console.log(`load average at the end: ${load()}`);
    agent.destroy();
    if (delivered < wanted) throw new Error(`only ${delivered} of ${wanted} messages reached the sink`);
  } finally {
    for (const child of children.reverse()) await stopChild(child);
    await sink.close();
    await dns.close();
    await db.destroy();
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

runBenchmark(main);
