import { type ChildProcess, spawn } from 'node:child_process';
import { backoffDelay } from '../server/backoff';
import type { Logger } from '../server/logger';

/**
 * Runs each role as a child process and restarts one that dies, for as long as Sealpost runs: with
 * a capped exponential backoff while it keeps dying, never giving up, and never touching the other
 * roles (an MX that keeps answering 451 beats one that refuses connections). On shutdown it asks
 * each role to stop, waits for the work in flight, and kills only a role that outlives its own
 * deadline.
 */
export interface RoleSpec {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

export interface SupervisorOptions {
  /**
   * How long a role is given after SIGTERM before SIGKILL. Must be longer than the roles' own
   * shutdown deadline (SHUTDOWN_TIMEOUT_MS, see killAfterMs), so they answer what is left themselves.
   */
  stopTimeoutMs: number;
  /** First restart delay; it doubles with each quick death, up to maxRestartDelayMs. */
  restartDelayMs?: number;
  maxRestartDelayMs?: number;
  /** A role that ran this long is healthy again: its next restart starts from the first delay. */
  stableAfterMs?: number;
}

/** What a role may use to close after SIGTERM, and the little more it gets to exit before SIGKILL. */
export const KILL_GRACE_MS = 5_000;
export const killAfterMs = (shutdownTimeoutMs: number) => shutdownTimeoutMs + KILL_GRACE_MS;

export class Supervisor {
  private children = new Map<string, ChildProcess>();
  private failures = new Map<string, number>();
  private pending = new Map<string, NodeJS.Timeout>();
  private stopping = false;
  private readonly restartDelayMs: number;
  private readonly maxRestartDelayMs: number;
  private readonly stableAfterMs: number;

  constructor(
    private readonly log: Logger,
    private readonly options: SupervisorOptions,
  ) {
    this.restartDelayMs = options.restartDelayMs ?? 500;
    this.maxRestartDelayMs = options.maxRestartDelayMs ?? 30_000;
    this.stableAfterMs = options.stableAfterMs ?? 60_000;
  }

  start(spec: RoleSpec): void {
    const child = spawn(spec.command, spec.args, { env: spec.env, stdio: ['ignore', 'inherit', 'inherit'] });
    const startedAt = Date.now();
    this.children.set(spec.name, child);
    this.log.info({ child: spec.name, pid: child.pid }, 'role started');
    child.on('error', (err) => this.log.error({ child: spec.name, err: err.message }, 'role could not be started'));
    child.on('exit', (code, signal) => {
      this.children.delete(spec.name);
      if (this.stopping) {
        this.log.info({ child: spec.name, code, signal }, 'role stopped');
        return;
      }
      const failures = Date.now() - startedAt >= this.stableAfterMs ? 0 : (this.failures.get(spec.name) ?? 0);
      const delayMs = backoffDelay(failures, this.restartDelayMs, this.maxRestartDelayMs);
      this.failures.set(spec.name, failures + 1);
      this.log.error({ child: spec.name, code, signal, restartInMs: delayMs, failures: failures + 1 }, 'role exited unexpectedly; restarting it');
      this.pending.set(
        spec.name,
        setTimeout(() => {
          this.pending.delete(spec.name);
          if (!this.stopping) this.start(spec);
        }, delayMs),
      );
    });
  }

  async stopAll(): Promise<void> {
    this.stopping = true;
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
    await Promise.all(
      [...this.children.entries()].map(
        ([name, child]) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const timer = setTimeout(() => {
              this.log.warn({ child: name, afterMs: this.options.stopTimeoutMs }, 'role did not stop in time; killing it');
              child.kill('SIGKILL');
            }, this.options.stopTimeoutMs);
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
