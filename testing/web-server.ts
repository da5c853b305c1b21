import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { inject } from 'vitest';
import { freePort } from '../db/embedded';
import { waitForHealth } from './health';

/**
 * The built web role (server/web/main.ts in front of Next) on a free port, against the test run's database: for tests of
 * route handlers over real HTTP. Needs `next build` first (scripts/test.sh does it).
 */
const root = path.resolve(import.meta.dirname, '..');

export interface WebServer {
  url: string;
  child: ChildProcess;
  /** Stops it; call it from the test file's afterAll (a hook registered inside beforeAll never runs). */
  stop(): void;
}

export async function startWebServer(env: Record<string, string> = {}): Promise<WebServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'server/web/main.ts')], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: inject('databaseUrl'), NODE_ENV: 'production', LOG_LEVEL: 'warn', PUBLIC_URL: url, ...env, PORT: String(port) },
    stdio: 'ignore',
    // Its own process group, so a signal reaches anything it starts too.
    detached: true,
  });
  const stop = () => {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  try {
    await waitForHealth(`${url}/api/health`, child, 60_000);
  } catch (err) {
    stop();
    throw err;
  }
  return { url, child, stop };
}
