/**
 * `npm run bench:list`: how fast the mailbox lists and moves mail, over real HTTP against the web
 * role (next-auth session checked on every call, as in production) on a throw-away embedded
 * database. Needs a built app (`npx next build`; `npm start` builds it when sources changed).
 *
 * - 50 signed-in clients (50 sessions) each list PAGES pages of 50, concurrently, from a mailbox
 *   of 10,000 messages: p50/p95/p99 per request.
 * - One bulk move of all 10,000 (organize.bulk with { folder: 'inbox' }), timed at the client.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
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
import { treeCpuMs } from './cpu';
import { percentile } from './load';

const CLIENTS = Number(process.env.CLIENTS ?? 50);
const MESSAGES = Number(process.env.MESSAGES ?? 10_000);
const PAGES = Number(process.env.PAGES ?? 10);
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
    // Warm-up: the first calls compile routes and fill caches.
    for (const cookie of cookies.slice(0, 3)) await trpcCall(base, 'query', 'mail.list', { folder: 'inbox' }, { cookie });

    const latencies: number[] = [];
    const cpuBefore = { web: treeCpuMs(web.pid!, 'node'), pg: treeCpuMs(web.pid!, 'postgres'), client: process.cpuUsage() };
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
    const wall = performance.now() - started;
    const client = process.cpuUsage(cpuBefore.client);
    const perRequest = (ms: number) => `${(ms / latencies.length).toFixed(2)} ms`;
    const cpu = {
      web: perRequest(treeCpuMs(web.pid!, 'node') - cpuBefore.web),
      pg: perRequest(treeCpuMs(web.pid!, 'postgres') - cpuBefore.pg),
      client: perRequest((client.user + client.system) / 1000),
    };
    latencies.sort((a, b) => a - b);
    const f = (ms: number) => `${ms.toFixed(1)} ms`;
    console.log(`list: ${CLIENTS} clients × ${PAGES} pages of 50 from ${MESSAGES} messages, ${latencies.length} requests in ${(wall / 1000).toFixed(2)} s`);
    console.log(`  p50 ${f(percentile(latencies, 50))}  p95 ${f(percentile(latencies, 95))}  p99 ${f(percentile(latencies, 99))}  max ${f(latencies.at(-1)!)}`);
    // CPU time per request, which the machine's other load doesn't change the way it changes wall time.
    console.log(`  CPU per request: web role ${cpu.web}, PostgreSQL ${cpu.pg}, this load generator ${cpu.client}`);

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

runBenchmark(main);
