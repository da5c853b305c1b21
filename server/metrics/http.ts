import 'server-only';
import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import client from 'prom-client';
import type { Logger } from '../logger';
import { registry } from './registry';

/**
 * Serving /metrics. Each role listens on its own port (METRICS_PORT + the role's offset, on
 * METRICS_HOST, loopback by default); with METRICS_TOKEN set, a scrape must carry
 * `Authorization: Bearer <token>`, and the web role also serves /metrics on its public port.
 */
export const METRICS_PORT_OFFSET = { web: 0, smtp: 1, worker: 2 } as const;
export type MetricsRole = keyof typeof METRICS_PORT_OFFSET;

export interface MetricsSettings {
  port: number | undefined;
  host: string;
  token: string | undefined;
}

export function metricsSettingsFrom(env: { METRICS_PORT?: number; METRICS_HOST: string; METRICS_TOKEN?: string }): MetricsSettings {
  return { port: env.METRICS_PORT, host: env.METRICS_HOST, token: env.METRICS_TOKEN };
}

export function bearerMatches(header: string | undefined, token: string | undefined): boolean {
  if (!token) return true;
  const given = Buffer.from(header?.startsWith('Bearer ') ? header.slice(7) : '');
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/** The exposition text: this process's registry, or, in a cluster primary, every worker's merged. */
type Collect = () => Promise<{ body: string; contentType: string }>;

export const collectOwn: Collect = async () => ({ body: await registry.metrics(), contentType: registry.contentType });

/** For a node:cluster primary (SMTP_WORKERS > 1): asks each worker for its metrics and sums them. */
export function collectCluster(): Collect {
  const aggregator = new client.AggregatorRegistry();
  return async () => ({ body: await aggregator.clusterMetrics(), contentType: aggregator.contentType });
}

/** Answers a request for /metrics; false when the request is for another path. */
export async function serveMetrics(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  token: string | undefined,
  collect: Collect = collectOwn,
): Promise<boolean> {
  if (req.url?.split('?')[0] !== '/metrics') return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return true;
  }
  if (!bearerMatches(req.headers.authorization, token)) {
    res.writeHead(401, { 'www-authenticate': 'Bearer realm="metrics"', 'content-type': 'text/plain' }).end('A bearer token (METRICS_TOKEN) is required.\n');
    return true;
  }
  try {
    const { body, contentType } = await collect();
    res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' }).end(req.method === 'HEAD' ? undefined : body);
  } catch (err) {
    res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics collection failed\n');
    throw err;
  }
  return true;
}

/**
 * The role's own metrics listener, when METRICS_PORT is set; resolves once it listens. It also
 * answers /api/health (200 when the database answers, else 503), the probe for the smtp and worker
 * roles, which have no HTTP port of their own.
 */
export async function startMetricsServer(
  role: MetricsRole,
  settings: MetricsSettings,
  log: Logger,
  collect: Collect = collectOwn,
  healthy?: () => Promise<boolean>,
): Promise<http.Server | undefined> {
  if (settings.port === undefined) return undefined;
  const port = settings.port === 0 ? 0 : settings.port + METRICS_PORT_OFFSET[role];
  const server = http.createServer((req, res) => {
    if (healthy && req.url?.split('?')[0] === '/api/health') {
      void healthy().then((ok) => {
        res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(JSON.stringify({ status: ok ? 'ok' : 'unavailable', db: ok ? 'ok' : 'unreachable' }));
      });
      return;
    }
    serveMetrics(req, res, settings.token, collect)
      .then((served) => {
        if (!served) res.writeHead(404, { 'content-type': 'text/plain' }).end('Only /metrics is served here.\n');
      })
      .catch((err: Error) => log.error({ err: err.message }, 'metrics collection failed'));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new Error(`METRICS_PORT: the ${role} role could not listen on ${settings.host}:${port} (${err.code ?? err.message})`)),
    );
    server.listen(port, settings.host, () => resolve());
  });
  server.unref();
  log.info({ host: settings.host, port: (server.address() as AddressInfo).port }, 'metrics listening');
  return server;
}
