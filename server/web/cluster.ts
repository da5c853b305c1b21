import 'server-only';
import cluster from 'node:cluster';
import type { Env } from '../env';
import { logger } from '../logger';
import { collectCluster, metricsSettingsFrom, startMetricsServer } from '../metrics/http';

/**
 * WEB_WORKERS > 1: the web role as that many processes sharing its port (node:cluster hands each
 * new connection to the next worker). Each worker is the whole web role (Next, the tRPC handler, its
 * own database pool and LISTEN connection for live mail); the primary only supervises them and
 * serves the role's metrics on METRICS_PORT, merged from every worker. The web role keeps no state
 * of its own between requests (sessions and sign-in limits are in PostgreSQL), so it doesn't matter
 * which worker a request reaches.
 */

interface MetricsAnswer {
  type: 'sealpost:metrics';
  id: number;
  body?: string;
  contentType?: string;
  error?: string;
}

export async function runWebPrimary(env: Env): Promise<void> {
  const collect = collectCluster();
  await startMetricsServer('web', metricsSettingsFrom(env), logger, collect);
  const workers = env.WEB_WORKERS;
  const started = new Set<number>();
  let stopping = false;
  let exitCode = 0;

  const fork = () => {
    const worker = cluster.fork();
    worker.on('message', (message: { type?: string; id?: number }) => {
      if (message?.type === 'sealpost:listening') {
        started.add(worker.id);
        if (started.size === workers) logger.info({ port: env.PORT, workers, trustedProxies: env.TRUSTED_PROXIES.length }, 'web role listening');
      } else if (message?.type === 'sealpost:metrics?' && typeof message.id === 'number') {
        // /metrics on the public port (METRICS_TOKEN) reached a worker: the answer covers them all.
        const id = message.id;
        collect().then(
          ({ body, contentType }) => worker.send({ type: 'sealpost:metrics', id, body, contentType } satisfies MetricsAnswer),
          (err: Error) => worker.send({ type: 'sealpost:metrics', id, error: err.message } satisfies MetricsAnswer),
        );
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
      // It never listened (bad setting, port taken): another one would fail the same way.
      logger.fatal({ workerPid: worker.process.pid, code, signal }, 'web worker failed to start');
      return stop(1);
    }
    // Only its own connections went down; the port stays open in the others.
    logger.error({ workerPid: worker.process.pid, code, signal }, 'web worker exited, starting another');
    fork();
  });
  for (let i = 0; i < workers; i++) fork();
  process.on('SIGTERM', () => stop(0));
  process.on('SIGINT', () => stop(0));
}

/** In a worker: tells the primary it listens. */
export function announceListening(): void {
  process.send?.({ type: 'sealpost:listening' });
}

const waiting = new Map<number, (answer: MetricsAnswer) => void>();
let lastId = 0;
let listening = false;

/** In a worker: the whole role's metrics, from the primary. */
export function collectFromPrimary(): Promise<{ body: string; contentType: string }> {
  if (!listening) {
    listening = true;
    process.on('message', (message: MetricsAnswer) => {
      if (message?.type === 'sealpost:metrics') waiting.get(message.id)?.(message);
    });
  }
  const id = ++lastId;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      waiting.delete(id);
      reject(new Error('the web primary did not answer with metrics'));
    }, 5_000);
    waiting.set(id, (answer) => {
      clearTimeout(timer);
      waiting.delete(id);
      if (answer.error !== undefined || answer.body === undefined) reject(new Error(answer.error ?? 'no metrics'));
      else resolve({ body: answer.body, contentType: answer.contentType ?? 'text/plain' });
    });
    process.send?.({ type: 'sealpost:metrics?', id });
  });
}
