import type { ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { freePort } from '../db/embedded';
import { createTestUser } from '../testing/factories';
import { startLoopbackDns } from '../testing/loopback-dns';
import { startOwnCluster } from '../testing/own-cluster';
import { dataPayload, RawSmtpClient } from '../testing/smtp-raw-client';
import { startChild, runBenchmark } from './children';

/**
 * The hostile messages of issue #9 against the real SMTP role (`smtp/main.ts`, its defaults, its
 * own PostgreSQL), measured from the outside the way a sender sees them:
 *
 *   npm run bench:hostile -- [--lines 60000] [--huge-lines 3000000] [--freeze-seconds 40] [--parked 5] [--patience 30]
 *
 * 1. A Subject folded over --lines lines: time from the final dot to the reply, the time a normal
 *    message sent alongside waits for its 250, and the role's peak RSS. --huge-lines repeats it
 *    with a far longer header (0 skips it).
 * 2. PostgreSQL frozen (SIGSTOP) for --freeze-seconds: --parked transactions send their final dot
 *    after the freeze and as many new ones their RCPT; each reply's time, or none within the
 *    client's --patience; then, after the thaw, the rows stored against the 250s sent.
 *
 * Every wait is capped by --patience, so it also finishes against code that never answers.
 */
const { values } = parseArgs({
  options: {
    lines: { type: 'string', default: '60000' },
    'huge-lines': { type: 'string', default: '3000000' },
    'freeze-seconds': { type: 'string', default: '40' },
    parked: { type: 'string', default: '5' },
    patience: { type: 'string', default: '30' },
  },
});
const patienceMs = Number(values.patience) * 1000;

interface Timed {
  reply: string;
  ms: number;
}

/** The next reply, or 'no reply' once the client's patience runs out (it then hangs up). */
async function readWithin(client: RawSmtpClient, ms: number, started = performance.now()): Promise<Timed> {
  let timer: NodeJS.Timeout | undefined;
  const reply = await Promise.race([
    client.read().then(
      (r) => r.text,
      () => 'connection closed',
    ),
    new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve('no reply'), Math.max(0, ms - (performance.now() - started)));
    }),
  ]);
  clearTimeout(timer);
  if (reply === 'no reply') client.close();
  return { reply, ms: performance.now() - started };
}

async function connect(port: number): Promise<RawSmtpClient> {
  const { client } = await RawSmtpClient.connect(port);
  await client.command('EHLO bench.example');
  return client;
}

/** MAIL, RCPT, DATA, and the message without its final dot. */
async function upToTheDot(port: number, to: string, message: Buffer): Promise<{ client: RawSmtpClient; dot: Buffer }> {
  const client = await connect(port);
  await client.command('MAIL FROM:<bench@sender.example>');
  const rcpt = await client.command(`RCPT TO:<${to}>`);
  if (rcpt.code !== 250) throw new Error(`RCPT refused before the test began: ${rcpt.text}`);
  await client.command('DATA');
  const payload = dataPayload(message);
  client.write(payload.subarray(0, payload.length - 3));
  return { client, dot: payload.subarray(payload.length - 3) };
}

function rss(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { rssMb: Math.round(kb('VmRSS') / 1024), peakMb: Math.round(kb('VmHWM') / 1024) };
}

const fmt = (t: Timed) => `${t.reply.slice(0, 60)}  after ${(t.ms / 1000).toFixed(2)} s`;

async function hostileHeader(port: number, pid: number, to: string, lines: number): Promise<void> {
  const hostile = Buffer.from(`From: bench@sender.example\r\nSubject: x\r\n${' abc\r\n'.repeat(lines)}\r\nbody\r\n`);
  const normal = Buffer.from('From: bench@sender.example\r\nSubject: normal\r\n\r\nnormal\r\n');
  const [h, n] = await Promise.all([upToTheDot(port, to, hostile), upToTheDot(port, to, normal)]);
  const before = rss(pid);
  h.client.write(h.dot);
  await new Promise((resolve) => setTimeout(resolve, 50)); // the normal message arrives while the hostile one is in work
  const normalStarted = performance.now();
  n.client.write(n.dot);
  const [hostileReply, normalReply] = await Promise.all([readWithin(h.client, patienceMs), readWithin(n.client, patienceMs, normalStarted)]);
  const after = rss(pid);
  console.log(`  folded Subject, ${lines} lines (${(hostile.length / 1024).toFixed(0)} KiB)`);
  console.log(`    hostile: ${fmt(hostileReply)}`);
  console.log(`    normal alongside: ${fmt(normalReply)}`);
  console.log(`    smtp RSS: ${before.rssMb} MB before, ${after.rssMb} MB after, peak ${after.peakMb} MB`);
  h.client.close();
  n.client.close();
}

async function main() {
  console.log(`bench:hostile  ${os.cpus().length} cores, client patience ${values.patience} s`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sealpost-hostile-'));
  chmodSync(dir, 0o755);
  const cluster = await startOwnCluster({ poolSize: 2 });
  const dns = await startLoopbackDns({ 'sender.example': { TXT: ['v=spf1 ip4:127.0.0.1 -all'] } });
  const children: ChildProcess[] = [];
  const start = async () => {
    const port = await freePort();
    const child = await startChild(
      ['smtp/main.ts'],
      {
        DATABASE_URL: cluster.url,
        DATA_DIR: dir,
        MAIL_DOMAIN: 'localhost',
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(port),
        SMTP_WORKERS: '1',
        DNS_SERVERS: dns.address,
        LOG_LEVEL: 'info',
      },
      '"msg":"smtp listening"',
    );
    children.push(child);
    return { port, child };
  };
  // SIGKILL: code that is stuck in a parse loop never gets to handle SIGTERM.
  const kill = (child: ChildProcess) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });

  try {
    process.env.MAIL_DOMAIN = 'localhost';
    const user = await createTestUser(cluster.db);
    const to = `${user.username}@localhost`;
    const stored = async () =>
      Number((await sql<{ n: string }>`SELECT count(*) AS n FROM messages WHERE user_id = ${user.account.id}`.execute(cluster.db)).rows[0]!.n);

    console.log('1. header folded over many lines');
    for (const lines of [Number(values.lines), Number(values['huge-lines'])].filter((n) => n > 0)) {
      const { port, child } = await start();
      await hostileHeader(port, child.pid!, to, lines);
      await kill(child);
    }

    const freezeMs = Number(values['freeze-seconds']) * 1000;
    const parkedCount = Number(values.parked);
    console.log(`2. PostgreSQL frozen for ${values['freeze-seconds']} s`);
    const { port } = await start();
    const storedBefore = await stored();
    const message = (n: number) => Buffer.from(`From: bench@sender.example\r\nSubject: parked ${n}\r\n\r\nbody ${n}\r\n`);
    const parked = await Promise.all(Array.from({ length: parkedCount }, (_, i) => upToTheDot(port, to, message(i))));
    const fresh = await Promise.all(Array.from({ length: parkedCount }, () => connect(port)));
    for (const client of fresh) await client.command('MAIL FROM:<bench@sender.example>');

    cluster.freeze();
    const frozenAt = performance.now();
    const replies = await Promise.all([
      ...parked.map(({ client, dot }) => {
        const started = performance.now();
        client.write(dot);
        return readWithin(client, Math.min(patienceMs, freezeMs), started).then((t) => ({ kind: 'final dot', ...t }));
      }),
      ...fresh.map((client) => {
        const started = performance.now();
        client.write(`RCPT TO:<${to}>\r\n`);
        return readWithin(client, Math.min(patienceMs, freezeMs), started).then((t) => ({ kind: 'RCPT', ...t }));
      }),
    ]);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, freezeMs - (performance.now() - frozenAt))));
    cluster.thaw();
    const late = replies; // a client that had no reply within its patience hung up: that reply never counts
    const last = late.reduce((max, r) => Math.max(max, r.reply === 'no reply' ? 0 : r.ms), 0);
    for (const r of late) console.log(`    ${r.kind.padEnd(9)} ${fmt(r)}`);
    const answered = late.filter((r) => r.reply !== 'no reply').length;
    const accepted = late.filter((r) => r.kind === 'final dot' && r.reply.startsWith('250')).length;
    // The statements parked in the frozen database run now; give them time to land.
    let rows = await stored();
    for (let stable = 0; stable < 5; ) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const now = await stored();
      stable = now === rows ? stable + 1 : 0;
      rows = now;
    }
    console.log(`    answered ${answered}/${late.length} within ${values.patience} s, slowest answer ${(last / 1000).toFixed(2)} s`);
    console.log(`    after the thaw: ${rows - storedBefore} rows stored, ${accepted} 250s sent`);
    for (const client of [...parked.map((p) => p.client), ...fresh]) client.close();
  } finally {
    await Promise.all(children.map(kill));
    await dns.close();
    await cluster.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

runBenchmark(main);
