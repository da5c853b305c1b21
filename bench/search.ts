/**
 * `npm run bench:search`: the browser's search index at scale, in Debian's Chromium on this machine.
 * Starts its own Sealpost (all roles, throw-away embedded database, a loopback DNS server), seeds
 * MESSAGES messages of about BODY_KB KB each over SMTP, signs in and measures:
 * - the first index build: messages per second and the peak memory of all Chromium processes;
 * - query latency (in the search Worker, and until results show) over QUERIES queries: p50 / p95;
 * - the index size: the encrypted segments the server holds;
 * - a second browser signing in: time until it can search, and how many messages it decrypted.
 * Needs a built app (`npx next build`).
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { type Browser, type Page, chromium } from '@playwright/test';
import pg from 'pg';
import { freePort } from '../db/embedded';
import { sendBatch } from '../e2e/smtp-batch';
import { body, pick, queryWord } from './search-corpus';
import { startLoopbackDns } from '../testing/loopback-dns';

const MESSAGES = Number(process.env.MESSAGES ?? 10_000);
const BODY_KB = Number(process.env.BODY_KB ?? 20);
const QUERIES = Number(process.env.QUERIES ?? 60);
const root = path.resolve(import.meta.dirname, '..');
const run = promisify(execFile);

function memoryOfTree(rootPid: number): number {
  const pids = [rootPid];
  for (let i = 0; i < pids.length; i++) {
    for (const task of safeList(`/proc/${pids[i]}/task`)) {
      const children = safeRead(`/proc/${pids[i]}/task/${task}/children`).trim();
      if (children) pids.push(...children.split(/\s+/).map(Number));
    }
  }
  // PSS, not RSS: Chromium's processes share most of their pages, and RSS would count them in each.
  let kb = 0;
  for (const pid of pids) kb += Number(/^Pss:\s+(\d+)/m.exec(safeRead(`/proc/${pid}/smaps_rollup`))?.[1] ?? 0);
  return kb * 1024;
}
/** CPU seconds (user + system) used so far by a process and its descendants alive now. */
function cpuOfTree(rootPid: number): number {
  const pids = [rootPid];
  for (let i = 0; i < pids.length; i++) pids.push(...childrenOf(pids[i]!));
  let ticks = 0;
  for (const pid of pids) {
    const fields = safeRead(`/proc/${pid}/stat`).split(') ')[1]?.split(' ') ?? [];
    ticks += Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
  }
  return ticks / 100;
}
const browserCpu = (serverPid: number | undefined) => childrenOf(process.pid).reduce((sum, pid) => (pid === serverPid ? sum : sum + cpuOfTree(pid)), 0);

function childrenOf(pid: number): number[] {
  return safeList(`/proc/${pid}/task`).flatMap((task) => safeRead(`/proc/${pid}/task/${task}/children`).trim().split(/\s+/).filter(Boolean).map(Number));
}

const safeRead = (file: string) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
};
const safeList = (dir: string) => {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
};

async function signIn(page: Page, username: string, password: string) {
  await page.goto('/login');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Inbox' }).waitFor({ timeout: 120_000 });
}

async function waitReady(page: Page, onTick: () => void = () => undefined): Promise<void> {
  const status = page.getByTestId('search-status');
  for (;;) {
    onTick();
    if ((await status.getAttribute('data-phase')) === 'ready') return;
    if ((await status.getAttribute('data-phase')) === 'error') throw new Error(`indexing failed: ${await status.textContent()}`);
    await page.waitForTimeout(500);
  }
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))]!;
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function main() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sealpost-bench-search-'));
  chmodSync(dataDir, 0o755);
  const [port, smtpPort] = [await freePort(), await freePort()];
  const dns = await startLoopbackDns({});
  const env = { ...process.env, DATA_DIR: dataDir, MAIL_DOMAIN: 'localhost', LOG_LEVEL: 'warn' };
  const server = spawn(process.execPath, ['--import', 'tsx', 'bin/sealpost.ts', 'start'], {
    cwd: root,
    env: { ...env, PORT: String(port), SMTP_PORT: String(smtpPort), SMTP_HOST: '127.0.0.1', REGISTRATION: 'open', DNS_SERVERS: dns.address },
    stdio: 'ignore',
  });
  let browser: Browser | null = null;
  try {
    for (let i = 0; ; i++) {
      if ((await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => null))?.ok) break;
      if (i > 600) throw new Error('Sealpost did not come up');
      await new Promise((r) => setTimeout(r, 500));
    }
    const username = `bench${randomBytes(3).toString('hex')}`;
    const password = 'bench-password-0123';
    const create = run(process.execPath, ['--import', 'tsx', 'bin/cli.ts', 'user', 'create', username], { cwd: root, env });
    create.child.stdin?.end(`${password}\n`);
    await create;
    const to = `${username}@localhost`;

    console.log(`load average before seeding (1/5/15 min): ${load()}`);
    let t = performance.now();
    const BATCH = 500;
    for (let start = 0; start < MESSAGES; start += BATCH * 2) {
      const batch = (from: number) =>
        Array.from({ length: Math.max(0, Math.min(BATCH, MESSAGES - from)) }, (_, k) => ({
          from: 'bulk@outside.example',
          to,
          data: [
            'From: Bulk <bulk@outside.example>',
            `To: ${to}`,
            `Subject: ${pick()} ${pick()} ${from + k}`,
            `Date: ${new Date(Date.UTC(2026, 0, 1) + (from + k) * 600_000).toUTCString()}`,
            `Message-ID: <b${from + k}-${randomBytes(4).toString('hex')}@outside.example>`,
            '',
            body(BODY_KB * 1024, from + k),
          ].join('\n'),
        }));
      // Two connections at once: the smtp role encrypts one while it reads the other.
      await Promise.all([sendBatch(smtpPort, batch(start)), sendBatch(smtpPort, batch(start + BATCH))]);
    }
    console.log(`seeded ${MESSAGES} messages of ~${BODY_KB} KB over SMTP in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    const first = await (await browser.newContext({ baseURL: `http://localhost:${port}` })).newPage();
    await signIn(first, username, password);
    console.log(`load average at the start of the build: ${load()}`);
    t = performance.now();
    const cpuAtStart = { browser: browserCpu(server.pid), server: cpuOfTree(server.pid!) };
    let peak = 0;
    // Chromium runs as children of this process, beside the Sealpost server (left out).
    const sample = () => {
      let bytes = 0;
      for (const child of childrenOf(process.pid)) if (child !== server.pid) bytes += memoryOfTree(child);
      peak = Math.max(peak, bytes);
    };
    const sampler = setInterval(sample, 250);
    await waitReady(first, sample);
    clearInterval(sampler);
    const buildSeconds = (performance.now() - t) / 1000;
    const decryptedFirst = await first.getByTestId('search-status').getAttribute('data-decrypted');
    console.log(
      `first build: ${MESSAGES} messages in ${buildSeconds.toFixed(1)} s = ${(MESSAGES / buildSeconds).toFixed(1)} msgs/s; decrypted ${decryptedFirst}`,
    );
    const cpu = { browser: browserCpu(server.pid) - cpuAtStart.browser, server: cpuOfTree(server.pid!) - cpuAtStart.server };
    console.log(
      `first build CPU time: Chromium ${cpu.browser.toFixed(0)} s (${(MESSAGES / cpu.browser).toFixed(1)} msgs per CPU-second), Sealpost ${cpu.server.toFixed(0)} s`,
    );
    console.log(`peak memory, all Chromium processes (PSS, shared pages counted once): ${(peak / 1048576).toFixed(0)} MiB`);
    console.log(`load average at the end of the build: ${load()}`);

    const inWorker: number[] = [];
    const shown: number[] = [];
    const box = first.getByLabel('Search mail');
    for (let i = 0; i < QUERIES; i++) {
      const query = i % 3 === 0 ? queryWord().slice(0, 4) : i % 3 === 1 ? `${queryWord()} ${queryWord()}` : queryWord();
      await box.fill('');
      const started = performance.now();
      await box.fill(query);
      const list = first.getByRole('list', { name: 'Search results' }).or(first.getByText('No messages match.'));
      await list.first().waitFor({ timeout: 30_000 });
      shown.push(performance.now() - started);
      const ms = await first
        .getByRole('list', { name: 'Search results' })
        .getAttribute('data-search-ms', { timeout: 1000 })
        .catch(() => null);
      if (ms) inWorker.push(Number(ms));
    }
    console.log(
      `query, ${QUERIES} queries: in the Worker p50 ${quantile(inWorker, 0.5).toFixed(1)} ms, p95 ${quantile(inWorker, 0.95).toFixed(1)} ms; until results show p50 ${quantile(shown, 0.5).toFixed(0)} ms, p95 ${quantile(shown, 0.95).toFixed(0)} ms`,
    );

    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'bin/cli.ts', 'db', 'url'], { cwd: root, env });
    const client = new pg.Client({ connectionString: stdout.trim() });
    await client.connect();
    const size = await client.query<{ n: string; bytes: string }>(
      'SELECT count(*) AS n, coalesce(sum(octet_length(ciphertext)), 0) AS bytes FROM search_index_segments',
    );
    await client.end();
    console.log(
      `index size: ${size.rows[0]!.n} encrypted segments, ${(Number(size.rows[0]!.bytes) / 1048576).toFixed(1)} MiB on the server (the same in IndexedDB)`,
    );

    const second = await (await browser.newContext({ baseURL: `http://localhost:${port}` })).newPage();
    t = performance.now();
    await signIn(second, username, password);
    const signedIn = performance.now();
    await waitReady(second);
    const syncSeconds = (performance.now() - signedIn) / 1000;
    const decryptedSecond = await second.getByTestId('search-status').getAttribute('data-decrypted');
    console.log(
      `second browser: searchable ${syncSeconds.toFixed(1)} s after sign-in (sign-in ${((signedIn - t) / 1000).toFixed(1)} s), decrypted ${decryptedSecond} messages; rebuild took ${buildSeconds.toFixed(1)} s (${(buildSeconds / syncSeconds).toFixed(1)}x)`,
    );
    console.log(`load average at the end: ${load()} (uptime: ${(await run('uptime')).stdout.trim()})`);
  } finally {
    await browser?.close();
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    await dns.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
