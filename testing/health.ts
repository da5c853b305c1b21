import type { ChildProcess } from 'node:child_process';

/**
 * Waits for a started role's /api/health to answer at all (any status: a 503 is an answer), and
 * fails at once if the process exits first.
 */
export async function waitForHealth(url: string, child: ChildProcess, timeoutMs = 90_000): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited early with ${child.exitCode}`);
    const res = await fetch(url).catch(() => null);
    if (res) return res;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${url}`);
}
