import 'server-only';
import type { Env } from '../env';
import { logger } from '../logger';
import { superviseWorkers } from '../cluster-supervisor';
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
  superviseWorkers({
    role: 'web',
    workers,
    onListening: () => logger.info({ port: env.PORT, workers, trustedProxies: env.TRUSTED_PROXIES.length }, 'web role listening'),
    onMessage: (worker, message) => {
      const { type, id } = (message ?? {}) as { type?: string; id?: number };
      if (type !== 'sealpost:metrics?' || typeof id !== 'number') return;
      // /metrics on the public port (METRICS_TOKEN) reached a worker: the answer covers them all.
      collect().then(
        ({ body, contentType }) => worker.send({ type: 'sealpost:metrics', id, body, contentType } satisfies MetricsAnswer),
        (err: Error) => worker.send({ type: 'sealpost:metrics', id, error: err.message } satisfies MetricsAnswer),
      );
    },
  });
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
