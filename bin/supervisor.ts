import { type ChildProcess, spawn } from 'node:child_process';
import type { Logger } from '../server/logger';

/**
 * Runs each role as a child process, restarts one that dies (with backoff, and gives up when it
 * keeps dying), and on shutdown asks each to stop, waiting for in-flight work before the database goes.
 */
export interface RoleSpec {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

const STOP_TIMEOUT_MS = 20_000;
const MAX_RESTARTS_PER_MINUTE = 5;

export class Supervisor {
  private children = new Map<string, ChildProcess>();
  private restarts = new Map<string, number[]>();
  private stopping = false;

  constructor(
    private readonly log: Logger,
    private readonly onFatal: (reason: string) => void,
  ) {}

  start(spec: RoleSpec): void {
    const child = spawn(spec.command, spec.args, { env: spec.env, stdio: ['ignore', 'inherit', 'inherit'] });
    this.children.set(spec.name, child);
    this.log.info({ child: spec.name, pid: child.pid }, 'role started');
    child.on('exit', (code, signal) => {
      this.children.delete(spec.name);
      if (this.stopping) return;
      this.log.error({ child: spec.name, code, signal }, 'role exited unexpectedly');
      const now = Date.now();
      const recent = (this.restarts.get(spec.name) ?? []).filter((t) => now - t < 60_000);
      if (recent.length >= MAX_RESTARTS_PER_MINUTE) {
        this.onFatal(`${spec.name} exited ${recent.length + 1} times in a minute`);
        return;
      }
      this.restarts.set(spec.name, [...recent, now]);
      setTimeout(() => !this.stopping && this.start(spec), 500 * 2 ** recent.length);
    });
  }

  async stopAll(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      [...this.children.entries()].map(
        ([name, child]) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const timer = setTimeout(() => {
              this.log.warn({ child: name }, 'role did not stop in time; killing it');
              child.kill('SIGKILL');
            }, STOP_TIMEOUT_MS);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
  }
}
