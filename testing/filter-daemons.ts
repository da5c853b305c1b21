import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../db/embedded';

/**
 * Debian's rspamd and clamd, started by the test on loopback with their own configuration and data
 * in a temporary folder, and stopped by it. Nothing is downloaded: rspamd runs its stock rules with
 * no redis (GTUBE needs none), and clamd loads one signature database the test writes itself
 * (EICAR's string as an .ndb body signature, since there is no freshclam here).
 */

/** The EICAR test string: every antivirus detects it, and it harms nothing. */
export const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';
/** What clamd calls EICAR with the database below (clamd adds .UNOFFICIAL to a local database's names). */
export const EICAR_SIGNATURE = 'Sealpost.Test.EICAR.UNOFFICIAL';
/** rspamd's GTUBE: a message with it in its body gets the reject action. */
export const GTUBE = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X';

export interface Daemon {
  readonly process: ChildProcess;
  /** Whatever the daemon wrote, for a failing test to show. */
  output(): string;
  stop(): Promise<void>;
}

export interface Rspamd extends Daemon {
  url: string;
}

export interface Clamd extends Daemon {
  socket: string;
  /** SIGSTOP: the daemon accepts connections (the kernel does) and never answers. */
  freeze(): void;
  thaw(): void;
}

function run(command: string, args: string[]): { child: ChildProcess; output: () => string } {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { child, output: () => output };
}

function stopper(child: ChildProcess, dir: string): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () => {
    stopping ??= new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      // A daemon that ignores SIGTERM must not outlive the test.
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    }).then(() => rmSync(dir, { recursive: true, force: true }));
    return stopping;
  };
}

async function until(check: () => Promise<boolean>, what: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}:\n${output()}`);
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`${what} did not start within ${timeoutMs} ms:\n${output()}`);
}

export async function startRspamd(options: { timeoutMs?: number } = {}): Promise<Rspamd> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sealpost-rspamd-'));
  for (const sub of ['override.d', 'local.d', 'db', 'run']) mkdirSync(path.join(dir, sub));
  const [normal, controller] = [await freePort(), await freePort()];
  const files: Record<string, string> = {
    'override.d/worker-normal.inc': `bind_socket = "127.0.0.1:${normal}";\ncount = 1;\n`,
    'override.d/worker-controller.inc': `bind_socket = "127.0.0.1:${controller}";\ncount = 1;\n`,
    'override.d/worker-proxy.inc': 'count = 0;\n',
    'override.d/worker-fuzzy.inc': 'count = 0;\n',
    'override.d/logging.inc': 'type = "console";\nlevel = "error";\n',
    // Hyperscan would compile every regexp rule into a fresh database at each start (tens of
    // seconds of CPU); rspamd's plain regexp engine answers the same.
    'local.d/options.inc': 'disable_hyperscan = true;\n',
    // No greylisting (it needs redis); Spam from 6 points, as a small site might set it.
    'local.d/actions.conf': 'reject = 15;\nadd_header = 6;\ngreylist = null;\n',
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  const { child, output } = run('/usr/bin/rspamd', [
    '-f',
    '-i',
    '-c',
    '/etc/rspamd/rspamd.conf',
    `--var=LOCAL_CONFDIR=${dir}`,
    `--var=DBDIR=${path.join(dir, 'db')}`,
    `--var=RUNDIR=${path.join(dir, 'run')}`,
    `--var=LOGDIR=${path.join(dir, 'run')}`,
  ]);
  const url = `http://127.0.0.1:${normal}`;
  const stop = stopper(child, dir);
  await until(
    () =>
      fetch(`${url}/ping`).then(
        async (response) => (await response.text()).trim() === 'pong',
        () => false,
      ),
    'rspamd',
    child,
    output,
    options.timeoutMs ?? 90_000,
  ).catch(async (err: unknown) => {
    await stop();
    throw err;
  });
  return { process: child, url, output, stop };
}

export async function startClamd(options: { timeoutMs?: number } = {}): Promise<Clamd> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sealpost-clamd-'));
  mkdirSync(path.join(dir, 'db'));
  const hex = Buffer.from(EICAR, 'latin1').toString('hex');
  writeFileSync(path.join(dir, 'db', 'sealpost-test.ndb'), `Sealpost.Test.EICAR:0:*:${hex}\n`);
  const socket = path.join(dir, 'clamd.sock');
  const conf = path.join(dir, 'clamd.conf');
  writeFileSync(
    conf,
    [`LocalSocket ${socket}`, `DatabaseDirectory ${path.join(dir, 'db')}`, 'Foreground yes', `PidFile ${path.join(dir, 'clamd.pid')}`, 'LogTime no', ''].join(
      '\n',
    ),
  );
  const { child, output } = run('/usr/sbin/clamd', ['-c', conf]);
  const stop = stopper(child, dir);
  await until(() => (existsSync(socket) ? ping(socket) : Promise.resolve(false)), 'clamd', child, output, options.timeoutMs ?? 30_000).catch(
    async (err: unknown) => {
      await stop();
      throw err;
    },
  );
  return {
    process: child,
    socket,
    output,
    stop,
    freeze: () => child.kill('SIGSTOP'),
    thaw: () => child.kill('SIGCONT'),
  };
}

function ping(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ path: socketPath });
    let answer = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('zPING\0'));
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('utf8');
      if (answer.includes('\0')) done(answer.startsWith('PONG'));
    });
  });
}
