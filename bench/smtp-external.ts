import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { readRunning } from '../bin/runtime';
import { machineBusyMs, treeCpuByGroup } from './cpu';
import { createDb } from '../db/client';
import { freePort } from '../db/embedded';
import { countMessages } from '../db/repositories/message.repository';
import { createTestUser } from '../testing/factories';
import { type Clamd, type Rspamd, startClamd, startRspamd } from '../testing/filter-daemons';
import { startLoopbackDns } from '../testing/loopback-dns';

/**
 * The MX as an operator runs it: `npm start` with its defaults (embedded PostgreSQL with fsync on,
 * every role), driven from outside the process by Postfix's smtp-source. Messages per second are
 * the messages stored (counted in the database, not trusted from the client) over the wall-clock
 * time smtp-source took.
 *
 *   npm run bench:smtp -- --external [--messages 2000] [--concurrency 200] [--bytes 20480] [--plugins dmarc,rspamd,clamav]
 *
 * With --plugins, rspamd and clamd are started on loopback (as the tests start them) and the
 * instance gets PLUGINS and their settings; everything else stays at its default.
 */
// BENCH_ROOT: another checkout to run `npm start` from (a before/after comparison on one machine).
const root = process.env.BENCH_ROOT ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = promisify(execFile);

export interface ExternalOptions {
  messages: number;
  concurrency: number;
  bytes: number;
  warmup: number;
  plugins: string;
}

function startSealpost(env: Record<string, string>): Promise<{ child: ChildProcess; output: () => string }> {
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/sealpost.ts', 'start'], {
    cwd: root,
    env: { ...process.env, ...env, ...(nodeArgs.length ? { NODE_OPTIONS: nodeArgs.join(' ') } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-200_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (output.includes('"msg":"smtp listening"') && output.includes('"msg":"Sealpost is up"')) {
        clearInterval(timer);
        resolve({ child, output: () => output });
      }
    }, 100);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`npm start exited with ${code}:\n${output.slice(-5000)}`));
    });
  });
}

async function smtpSource(port: number, options: { messages: number; concurrency: number; bytes: number; to: string }): Promise<number> {
  const started = performance.now();
  await run(
    '/usr/sbin/smtp-source',
    [
      '-s',
      String(options.concurrency),
      '-m',
      String(options.messages),
      '-l',
      String(options.bytes),
      '-f',
      'bench@sender.example',
      '-t',
      options.to,
      `127.0.0.1:${port}`,
    ],
    { timeout: 30 * 60_000, maxBuffer: 64 * 1024 * 1024 },
  );
  return (performance.now() - started) / 1000;
}

/** Which part of `npm start` a process is: a role, PostgreSQL, or the supervisor. */
const roleCpu = (pid: number) =>
  treeCpuByGroup(pid, (cmdline, name) => {
    if (name === 'postgres') return 'postgres';
    if (cmdline.includes('smtp/main.ts')) return 'smtp';
    if (cmdline.includes('web/main.ts') || name.startsWith('next')) return 'web';
    if (cmdline.includes('jobs/main.ts')) return 'worker';
    if (cmdline.includes('bin/sealpost.ts')) return 'supervisor';
    return undefined;
  });

const load = () =>
  os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');

export async function runExternal(options: ExternalOptions): Promise<void> {
  const plugins = options.plugins.split(',').filter(Boolean);
  console.log(
    `bench:smtp --external  npm start (defaults, fsync on), smtp-source: ${options.messages} messages of ${options.bytes} bytes over ${options.concurrency} sessions, plugins: ${plugins.join(',') || 'off'}, ${os.cpus().length} cores`,
  );
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sealpost-bench-external-'));
  chmodSync(dir, 0o755); // embedded PostgreSQL runs as the postgres user when we are root
  const dns = await startLoopbackDns({ 'sender.example': { TXT: ['v=spf1 ip4:127.0.0.1 -all'] } });
  let rspamd: Rspamd | undefined;
  let clamd: Clamd | undefined;
  let sealpost: { child: ChildProcess; output: () => string } | undefined;
  try {
    if (plugins.includes('rspamd')) rspamd = await startRspamd();
    if (plugins.includes('clamav')) clamd = await startClamd();
    const smtpPort = await freePort();
    sealpost = await startSealpost({
      DATA_DIR: dir,
      PORT: String(await freePort()),
      SMTP_PORT: String(smtpPort),
      SMTP_HOST: '127.0.0.1',
      MAIL_DOMAIN: 'localhost',
      DNS_SERVERS: dns.address,
      // Every benchmark session comes from 127.0.0.1; per-address limits are not what is measured.
      SMTP_MAX_CLIENTS_PER_IP: String(options.concurrency),
      DATABASE_URL: '',
      PLUGINS: plugins.join(','),
      ...(rspamd ? { RSPAMD_URL: rspamd.url } : {}),
      ...(clamd ? { CLAMD_SOCKET: clamd.socket } : {}),
    });
    const running = readRunning(dir);
    if (!running) throw new Error('npm start wrote no running file');
    const db = createDb(running.databaseUrl, { max: 1 });
    try {
      const user = await createTestUser(db);
      const to = `${user.username}@localhost`;
      const count = async () => (await countMessages(db, user.account.id, 'inbox')).total;
      // smtp-source gives up at the first refusal; say why from the instance's own log.
      const explain = (err: unknown) => {
        const errors = sealpost!
          .output()
          .split('\n')
          .filter((line) => /"level":(40|50|60)/.test(line));
        console.error(errors.slice(-10).join('\n'));
        throw err;
      };
      if (options.warmup > 0) await smtpSource(smtpPort, { ...options, messages: options.warmup, to }).catch(explain);
      const before = await count();
      const loadBefore = load();
      const cpuBefore = roleCpu(sealpost.child.pid!);
      const busyBefore = machineBusyMs();
      const seconds = await smtpSource(smtpPort, { ...options, to }).catch(explain);
      const cpuAfter = roleCpu(sealpost.child.pid!);
      const busy = machineBusyMs() - busyBefore;
      const stored = (await count()) - before;
      console.log(`load     before ${loadBefore}   after ${load()}   (uptime's 1, 5, 15 min averages)`);
      console.log(
        `npm start ${(stored / seconds).toFixed(0).padStart(5)} msg/s   ${stored}/${options.messages} stored in ${seconds.toFixed(2)} s (${options.warmup} warm-up messages before)`,
      );
      const perMessage = (ms: number) => (ms / Math.max(1, stored)).toFixed(2);
      const roles = Object.keys(cpuAfter).sort();
      const own = roles.reduce((sum, role) => sum + (cpuAfter[role]! - (cpuBefore[role] ?? 0)), 0);
      console.log(
        `CPU ms per stored message: ${roles.map((role) => `${role} ${perMessage(cpuAfter[role]! - (cpuBefore[role] ?? 0))}`).join(', ')}; ` +
          `rest of the machine (smtp-source, other users) ${perMessage(Math.max(0, busy - own))}`,
      );
      if (stored !== options.messages) console.log(`         ${options.messages - stored} messages were refused or deferred (smtp-source does not retry)`);
    } finally {
      await db.destroy();
    }
  } finally {
    if (sealpost && sealpost.child.exitCode === null) {
      const exited = new Promise((resolve) => sealpost!.child.once('exit', resolve));
      sealpost.child.kill('SIGTERM');
      await exited;
    }
    await Promise.all([rspamd?.stop(), clamd?.stop(), dns.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
}
