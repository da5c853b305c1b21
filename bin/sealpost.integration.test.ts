import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../db/embedded';
import { waitForHealth } from '../testing/health';

/**
 * The supervisor as a user runs it: real processes, real embedded PostgreSQL, real HTTP. The web
 * bundle must exist (scripts/test.sh builds it first), so `start` does not rebuild here.
 */
const root = path.resolve(import.meta.dirname, '..');
const run = promisify(execFile);
// One process, as `npm start` runs it, so signals reach the supervisor itself.
const node = (script: string, ...args: string[]) => [process.execPath, ['--import', 'tsx', script, ...args]] as const;
const dirs: string[] = [];

function tempDataDir() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sealpost-sup-'));
  chmodSync(dir, 0o755);
  dirs.push(dir);
  return dir;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

describe('sealpost start', () => {
  it('refuses a bad setting and names it', async () => {
    const result = await run(...node('bin/sealpost.ts', 'start'), { cwd: root, env: { ...process.env, PORT: 'eighty', DATA_DIR: tempDataDir() } }).catch(
      (e) => e,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('PORT="eighty"');
  });

  it('comes up on embedded PostgreSQL, answers health, shares its database with the CLI, and stops cleanly', async () => {
    const dataDir = tempDataDir();
    const port = await freePort();
    const env = { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn', DATABASE_URL: '', SECRET_KEY: '' };
    const child = spawn(...node('bin/sealpost.ts', 'start', 'web'), { cwd: root, env, stdio: 'ignore' });
    const res = await waitForHealth(`http://127.0.0.1:${port}/api/health`, child);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', db: 'ok' });

    const runtime = JSON.parse(readFileSync(path.join(dataDir, 'sealpost.pid'), 'utf8'));
    const { stdout } = await run(...node('bin/cli.ts', 'db', 'url'), { cwd: root, env });
    expect(stdout.trim()).toBe(runtime.databaseUrl);
    expect(existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(true);

    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
    // PostgreSQL removes its pid file on a clean shutdown; so does the supervisor.
    expect(existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
    expect(existsSync(path.join(dataDir, 'sealpost.pid'))).toBe(false);
    // Secret and cluster settings persist for the next start.
    expect(readFileSync(path.join(dataDir, 'secret.key'), 'utf8').trim().length).toBeGreaterThanOrEqual(32);
  });

  it('reports 503 from /api/health when the database cannot be reached', async () => {
    const port = await freePort();
    const closed = await freePort();
    const child = spawn(process.execPath, [path.join(root, 'node_modules/next/dist/bin/next'), 'start', '-p', String(port)], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: `postgres://nobody:x@127.0.0.1:${closed}/none`, SECRET_KEY: 'x'.repeat(40), NODE_ENV: 'production' },
      stdio: 'ignore',
    });
    try {
      const res = await waitForHealth(`http://127.0.0.1:${port}/api/health`, child);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: 'unavailable', db: 'unreachable' });
    } finally {
      child.kill('SIGTERM');
      await exited(child);
    }
  });
});
