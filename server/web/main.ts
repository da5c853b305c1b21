import 'server-only';
import cluster from 'node:cluster';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import next from 'next';
import { CLIENT_IP_HEADER } from '../auth/request-info';
import { type Env, parseEnv } from '../env';
import { configureLogger, logger } from '../logger';
import { configureSecrets } from '../secrets';
import { clientAddress, trustedProxies } from '../net/client-address';
import { metricsSettingsFrom, serveMetrics, startMetricsServer } from '../metrics/http';
import { initProcessMetrics } from '../metrics/registry';
import { recordHttpResponse } from '../metrics/web';
import { platformRequestHandler } from '../platform/web';
import { getPlatformQueue } from '../jobs/queue-client';
import { SECURITY_HEADERS } from './security-headers';
import { TRPC_PREFIX, handleTrpc } from './trpc-handler';
import { announceListening } from '../cluster-supervisor';
import { collectFromPrimary, runWebPrimary } from './cluster';

/**
 * The web role: Next.js behind a small Node server of our own, because a route handler never sees
 * the socket. This server works out the client's address from the socket and TRUSTED_PROXIES, drops
 * whatever the client said in the headers that carry it, and sets CLIENT_IP_HEADER, the one header
 * server/auth/request-info.ts believes.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

async function main() {
  const env = parseEnv();
  configureLogger({ level: env.LOG_LEVEL, role: 'web' });
  configureSecrets(env.SECRET_KEY);
  initProcessMetrics('web');
  // WEB_WORKERS > 1: this process only supervises that many copies of the role (cluster.ts).
  if (env.WEB_WORKERS > 1 && cluster.isPrimary) return runWebPrimary(env);
  return serve(env);
}

async function serve(env: Env) {
  const metrics = metricsSettingsFrom(env);
  // In a cluster the primary serves METRICS_PORT, merged from every worker.
  if (!cluster.isWorker) await startMetricsServer('web', metrics, logger);
  const proxies = trustedProxies(env.TRUSTED_PROXIES);
  const app = next({ dev: false, dir: root, port: env.PORT });
  await app.prepare();
  const handle = app.getRequestHandler();
  const platform = platformRequestHandler(env, getPlatformQueue());

  const server = http.createServer((req, res) => {
    res.once('finish', () => recordHttpResponse(res.statusCode));
    // On the public port only behind a token; without one, metrics stay on METRICS_PORT.
    if (metrics.token && req.url?.split('?')[0] === '/metrics') {
      serveMetrics(req, res, metrics.token, cluster.isWorker ? collectFromPrimary : undefined).catch((err: Error) =>
        logger.error({ err: err.message }, 'metrics collection failed'),
      );
      return;
    }
    const raw = req.headersDistinct['x-forwarded-for'] ?? [];
    const ip = clientAddress(req.socket.remoteAddress, raw, proxies);
    delete req.headers[CLIENT_IP_HEADER];
    // Next and next-auth see only the resolved address, never a list the client wrote.
    delete req.headers['x-forwarded-for'];
    if (ip) {
      req.headers[CLIENT_IP_HEADER] = ip;
      req.headers['x-forwarded-for'] = ip;
    }
    for (const [name, value] of SECURITY_HEADERS) res.setHeader(name, value);
    const serve = req.url?.startsWith(TRPC_PREFIX) ? handleTrpc(req, res) : platform(req, res).then((handled) => (handled ? undefined : handle(req, res)));
    serve.catch((err: unknown) => {
      logger.error({ err: (err as Error).message, path: req.url?.split('?')[0] }, 'request failed');
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  server.listen(env.PORT, () =>
    cluster.isWorker ? announceListening() : logger.info({ port: env.PORT, trustedProxies: env.TRUSTED_PROXIES.length }, 'web role listening'),
  );

  const stop = () => {
    server.close();
    server.closeAllConnections();
    void app.close().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  logger.fatal({ err: err instanceof Error ? err.message : String(err) }, 'web role failed to start');
  process.exit(1);
});
