/**
 * `npm run bench:list`: how fast the mailbox lists and moves mail, over real HTTP against the web
 * role (next-auth session checked on every call, as in production) on a throw-away embedded
 * database. Needs a built app (`npx next build`; `npm start` builds it when sources changed).
 *
 * - 50 signed-in clients (50 sessions) page through a mailbox of 10,000 messages, 50 a page,
 *   concurrently and each in a closed loop (next page as soon as the last one arrived): p50/p95/p99
 *   per request, requests per second, and CPU per request of the web role, PostgreSQL and the load
 *   generator. The load comes from wrk (`apt-get install wrk`) with bench/list.lua for DURATION
 *   seconds, one thread and connection per client; without wrk (or with LOADGEN=node) from fetch
 *   loops in this process, PAGES pages per client, which cost more CPU than the server they load.
 * - One bulk move of all 10,000 (organize.bulk with { folder: 'inbox' }), timed at the client.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { prepareRegistration } from '../crypto/account';
import { encryptBytes, utf8 } from '../crypto';
import { createDb } from '../db/client';
import { readClusterUrl } from '../db/embedded';
import { freePort } from '../db/embedded';
import { register } from '../server/auth/account.service';
import { env } from '../server/env';
import { settingsFrom } from '../server/settings';
import { nextAuthSignIn, trpcCall } from '../testing/http';
import { runBenchmark, stopChild } from './children';
import { endedChildrenCpuMs, machineBusyMs, treeCpuMs } from './cpu';
import { percentile } from './load';

const CLIENTS = Number(process.env.CLIENTS ?? 50);
const MESSAGES = Number(process.env.MESSAGES ?? 10_000);
/** Pages per client with the Node load generator (wrk runs for DURATION seconds instead). */
const PAGES = Number(process.env.PAGES ?? 10);
const DURATION_S = Number(process.env.DURATION ?? 15);
/** `wrk` (the default when installed) or `node` (the fallback: fetch from this process). */
const LOADGEN = process.env.LOADGEN;
const root = path.resolve(import.meta.dirname, '..');

async function startWeb(dataDir: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/sealpost.ts', 'start', 'web'], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn', MAIL_DOMAIN: 'localhost' },
    stdio: 'ignore',
  });
  for (let i = 0; i < 2400; i++) {
    if ((await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => null))?.ok) return child;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('Sealpost did not come up');
}

async function main() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sealpost-bench-list-'));
  chmodSync(dataDir, 0o755);
  const port = await freePort();
  const base = `http://localhost:${port}`;
  const web = await startWeb(dataDir, port);
  const url = readClusterUrl(dataDir);
  if (!url) throw new Error('no database under the bench DATA_DIR');
  process.env.DATABASE_URL = url;
  process.env.MAIL_DOMAIN = 'localhost';
  const db = createDb(url, { max: 4 });
  try {
    const username = `bench${Date.now().toString(36)}`;
    const prepared = await prepareRegistration({ username, email: `${username}@localhost`, password: 'bench-Password-2026!' });
    const account = await register(db, prepared.payload, { settings: settingsFrom(env()), viaCli: true });
    const [raw, summary] = await Promise.all([
      encryptBytes(utf8('Subject: Bench\r\n\r\nHello\r\n'), [prepared.payload.publicKey]),
      encryptBytes(utf8('{"v":1,"subject":"Bench"}'), [prepared.payload.publicKey]),
    ]);
    await sql`INSERT INTO messages (user_id, folder, seen, received_at, size, raw_ciphertext, summary_ciphertext)
      SELECT ${account.id}, 'inbox', g % 3 = 0, now() - g * interval '1 minute', 30, ${raw}, ${summary} FROM generate_series(1, ${MESSAGES}) AS g`.execute(db);
    await sql`ANALYZE messages`.execute(db);

    const cookies: string[] = [];
    for (let i = 0; i < CLIENTS; i++) {
      const signedIn = await nextAuthSignIn(base, { username, authKey: prepared.payload.authKey });
      if (signedIn.error) throw new Error(`sign-in ${i} failed: ${signedIn.error}`);
      cookies.push(signedIn.cookie);
    }
    const f = (ms: number) => `${ms.toFixed(1)} ms`;
    const wrk = LOADGEN === 'node' ? null : wrkPath();
    if (!wrk && LOADGEN === 'wrk') throw new Error('LOADGEN=wrk but wrk is not installed (apt-get install wrk)');
    if (!wrk) console.log('wrk not found (apt-get install wrk): the load comes from this Node process, which costs more CPU than the server it measures');
    const result = wrk ? await wrkLoad(wrk, base, cookies, web.pid!, dataDir) : await nodeLoad(base, cookies, web.pid!);
    const perRequest = (ms: number) => `${(ms / result.requests).toFixed(2)} ms`;
    console.log(
      `list: ${CLIENTS} clients paging pages of 50 from ${MESSAGES} messages (${result.how}, WEB_WORKERS=${process.env.WEB_WORKERS ?? 1}), ${result.requests} requests in ${result.seconds.toFixed(2)} s = ${Math.round(result.requests / result.seconds)} requests/s`,
    );
    console.log(`  p50 ${f(result.p50)}  p95 ${f(result.p95)}  p99 ${f(result.p99)}  max ${f(result.max)}`);
    // CPU time per request, which the machine's other load doesn't change the way it changes wall time.
    console.log(
      `  CPU per request: web role ${perRequest(result.cpu.web)}, PostgreSQL ${perRequest(result.cpu.pg)}, the load generator ${perRequest(result.cpu.client)}; whole machine ${perRequest(result.cpu.machine)} (of ${os.cpus().length} cores)`,
    );

    const t = performance.now();
    const moved = await trpcCall(
      base,
      'mutation',
      'organize.bulk',
      { selection: { folder: 'inbox' }, action: { kind: 'move', folder: 'archive' } },
      { cookie: cookies[0]! },
    );
    const moveMs = performance.now() - t;
    if (moved.status !== 200) throw new Error(`bulk move answered ${moved.status}`);
    console.log(`bulk move: ${moved.body.result.data.updated} messages inbox → archive in ${f(moveMs)} (one request, resolved on the server)`);
    console.log(`load: ${execFileSync('uptime').toString().trim()}`);
  } finally {
    await db.destroy();
    await stopChild(web);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

interface LoadResult {
  how: string;
  requests: number;
  seconds: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** CPU milliseconds over the timed part. */
  cpu: { web: number; pg: number; client: number; machine: number };
}

function wrkPath(): string | null {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const candidate = path.join(dir || '.', 'wrk');
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

/**
 * wrk (C, one epoll loop per thread): one thread and one connection per client, each with its own
 * session cookie, paging with the cursor of its previous answer (bench/list.lua). A short untimed
 * run first lets the web role's JIT and caches warm up.
 */
async function wrkLoad(wrk: string, base: string, cookies: string[], webPid: number, dataDir: string): Promise<LoadResult> {
  const cookieFile = path.join(dataDir, 'bench-cookies.txt');
  writeFileSync(cookieFile, `${cookies.join('\n')}\n`);
  const target = base.replace('localhost', '127.0.0.1');
  const run = (seconds: number) =>
    new Promise<string>((resolve, reject) => {
      const args = ['-t', String(cookies.length), '-c', String(cookies.length), '-d', `${seconds}s`, '--timeout', '10s'];
      const child = spawn(wrk, [...args, '-s', path.join(root, 'bench', 'list.lua'), target, '--', cookieFile, 'inbox', '50'], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
      });
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`wrk exited with ${code}: ${out}`))));
    });
  await run(3);
  const before = { web: treeCpuMs(webPid, 'node'), pg: treeCpuMs(webPid, 'postgres'), client: endedChildrenCpuMs(), machine: machineBusyMs() };
  const out = await run(DURATION_S);
  const cpu = {
    web: treeCpuMs(webPid, 'node') - before.web,
    pg: treeCpuMs(webPid, 'postgres') - before.pg,
    client: endedChildrenCpuMs() - before.client,
    machine: machineBusyMs() - before.machine,
  };
  const line = /^LIST-WRK (.*)$/m.exec(out)?.[1];
  if (!line) throw new Error(`wrk printed no result: ${out}`);
  const r = JSON.parse(line) as Record<'requests' | 'durationUs' | 'p50' | 'p95' | 'p99' | 'max' | 'failed' | 'short' | 'socketErrors' | 'timeouts', number>;
  if (r.failed || r.short || r.socketErrors || r.timeouts) {
    throw new Error(`wrk: ${r.failed} answers were not 200, ${r.short} pages were short, ${r.socketErrors} socket errors, ${r.timeouts} timeouts`);
  }
  return { how: 'wrk', requests: r.requests, seconds: r.durationUs / 1e6, p50: r.p50 / 1000, p95: r.p95 / 1000, p99: r.p99 / 1000, max: r.max / 1000, cpu };
}

/** The fallback: the clients are fetch loops in this process (PAGES pages each). */
async function nodeLoad(base: string, cookies: string[], webPid: number): Promise<LoadResult> {
  // Warm-up: the first calls compile routes and fill caches.
  for (const cookie of cookies.slice(0, 3)) await trpcCall(base, 'query', 'mail.list', { folder: 'inbox' }, { cookie });
  const latencies: number[] = [];
  const before = { web: treeCpuMs(webPid, 'node'), pg: treeCpuMs(webPid, 'postgres'), client: process.cpuUsage(), machine: machineBusyMs() };
  const started = performance.now();
  await Promise.all(
    cookies.map(async (cookie) => {
      let cursor: string | null = null;
      for (let page = 0; page < PAGES; page++) {
        const t = performance.now();
        const answer = await trpcCall(base, 'query', 'mail.list', { folder: 'inbox', cursor }, { cookie });
        latencies.push(performance.now() - t);
        if (answer.status !== 200) throw new Error(`list answered ${answer.status}`);
        const data = answer.body.result.data as { items: unknown[]; nextCursor: string | null };
        if (data.items.length !== 50) throw new Error(`a page of ${data.items.length}`);
        cursor = data.nextCursor;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const client = process.cpuUsage(before.client);
  const cpu = {
    web: treeCpuMs(webPid, 'node') - before.web,
    pg: treeCpuMs(webPid, 'postgres') - before.pg,
    client: (client.user + client.system) / 1000,
    machine: machineBusyMs() - before.machine,
  };
  latencies.sort((a, b) => a - b);
  const p = (n: number) => percentile(latencies, n);
  return { how: 'Node fetch', requests: latencies.length, seconds, p50: p(50), p95: p(95), p99: p(99), max: latencies.at(-1)!, cpu };
}

runBenchmark(main);
