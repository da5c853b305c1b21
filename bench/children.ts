import type { ChildProcess } from 'node:child_process';

/** SIGTERM, then wait for the exit: benchmarks stop what they started before they report. */
export function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
