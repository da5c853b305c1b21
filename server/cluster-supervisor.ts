import 'server-only';
import cluster, { type Worker } from 'node:cluster';
import { logger } from './logger';

/**
 * The primary of a role that runs as several processes on one port (SMTP_WORKERS, WEB_WORKERS):
 * it forks them, says once when all of them listen, replaces one that dies after it had listened
 * (only its own connections went down; the port stays open in the others), and stops the role when
 * one never listened (another would fail the same way). SIGTERM or SIGINT stops every worker, then
 * the primary. Roles keep no state between requests, so any worker may take any connection.
 */
export interface SupervisorOptions {
  role: 'web' | 'smtp';
  workers: number;
  /** Once every worker listens: the message of the last one (its port, for the log line). */
  onListening: (message: ListeningMessage) => void;
  /** Any other message a worker sends (metrics requests). */
  onMessage?: (worker: Worker, message: unknown) => void;
}

export interface ListeningMessage {
  type: 'sealpost:listening';
  port?: number;
}

export function superviseWorkers(options: SupervisorOptions): void {
  const { role, workers } = options;
  const started = new Set<number>();
  let announced = false;
  let stopping = false;
  let exitCode = 0;

  const fork = () => {
    const worker = cluster.fork();
    worker.on('message', (message: { type?: string }) => {
      if (message?.type !== 'sealpost:listening') return options.onMessage?.(worker, message);
      started.add(worker.id);
      if (!announced && started.size === workers) {
        announced = true;
        options.onListening(message as ListeningMessage);
      }
    });
  };
  const stop = (code: number) => {
    exitCode = Math.max(exitCode, code);
    if (stopping) return;
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(exitCode);
  };
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(exitCode);
      return;
    }
    if (!started.has(worker.id)) {
      // It never listened (a bad setting, the port taken, no database).
      logger.fatal({ workerPid: worker.process.pid, code, signal }, `${role} worker failed to start`);
      return stop(1);
    }
    logger.error({ workerPid: worker.process.pid, code, signal }, `${role} worker exited, starting another`);
    fork();
  });
  for (let i = 0; i < workers; i++) fork();
  process.on('SIGTERM', () => stop(0));
  process.on('SIGINT', () => stop(0));
}

/** In a worker: tells the primary it listens. */
export function announceListening(port?: number): void {
  process.send?.({ type: 'sealpost:listening', ...(port === undefined ? {} : { port }) } satisfies ListeningMessage);
}
