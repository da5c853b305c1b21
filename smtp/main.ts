import cluster from 'node:cluster';
import os from 'node:os';
import { systemClock } from '../server/clock';
import { getDb } from '../server/db';
import { type Env, EnvError, env } from '../server/env';
import { configureLogger, logger } from '../server/logger';
import { configureSecrets } from '../server/secrets';
import { createDnsResolver } from '../server/mail/dns';
import { createInboundServer, type InboundConfig } from './server';
import { filterSettingsFrom } from '../server/env';
import { installPluginCrashGuard } from './plugins/isolation';
import { pluginsFromSettings } from './plugins/setup';
import { loadTlsCredentials } from '../server/tls';
import { collectCluster, metricsSettingsFrom, startMetricsServer } from '../server/metrics/http';
import { initProcessMetrics } from '../server/metrics/registry';
import { instrumentSmtpServer } from '../server/metrics/smtp';
import { databaseHealthy } from '../server/metrics/health';
import { settingsFrom } from '../server/settings';
import { getPlatformQueue } from '../server/jobs/queue-client';
import { startSubmission } from './submission';
import { announceListening, superviseWorkers } from '../server/cluster-supervisor';

/**
 * The smtp role: `tsx smtp/main.ts`, with DATABASE_URL set. Listens on SMTP_HOST:SMTP_PORT and
 * logs one line when it does. SIGTERM or SIGINT: stop accepting, let transactions in flight commit
 * and answer, close the rest with 421, close the database pool, exit 0.
 *
 * SMTP_WORKERS > 1 runs that many processes sharing the port (node:cluster): encryption is
 * CPU-bound and one process uses one core. The primary only supervises them.
 */

function inboundConfig(config: Env, tls: InboundConfig['tls']): InboundConfig {
  return {
    mailDomain: config.MAIL_DOMAIN,
    hostname: os.hostname(),
    maxMessageBytes: config.MAX_MESSAGE_BYTES,
    maxRecipients: config.SMTP_MAX_RECIPIENTS,
    // Limits are per process; split the instance-wide ones across the workers.
    maxClients: Math.max(1, Math.floor(config.SMTP_MAX_CLIENTS / config.SMTP_WORKERS)),
    maxClientsPerIp: config.SMTP_MAX_CLIENTS_PER_IP,
    sessionTimeoutMs: config.SMTP_SESSION_TIMEOUT_MS,
    // The supervisor kills the role a little after this (bin/supervisor.ts killAfterMs), so what
    // is still open then gets its 421 from us.
    closeTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    tls,
    quotaBytes: config.QUOTA_MB * 1024 * 1024,
  };
}

async function loadTls(config: Env) {
  return loadTlsCredentials({ certPath: config.TLS_CERT, keyPath: config.TLS_KEY, dataDir: config.DATA_DIR, hostname: os.hostname() });
}

async function runServer(config: Env, onListening: (port: number, tls: string) => void): Promise<void> {
  // A plugin's own asynchronous crash fails its hook, not the process (smtp/plugins/isolation.ts).
  installPluginCrashGuard(logger);
  const db = getDb();
  const tls = await loadTls(config);
  const server = createInboundServer({
    db,
    clock: systemClock,
    logger,
    config: inboundConfig(config, tls),
    // SPF and DMARC ask two questions per message, mostly about the same few sender domains.
    resolver: createDnsResolver(config.DNS_SERVERS, { cacheMs: 60_000 }),
    plugins: pluginsFromSettings(filterSettingsFrom(config), { db, mailDomain: config.MAIL_DOMAIN, logger }),
  });
  instrumentSmtpServer(server.smtp);
  // One process serves the role's metrics: this one, or the cluster primary, which merges its workers'.
  if (!cluster.isWorker) await startMetricsServer('smtp', metricsSettingsFrom(config), logger, undefined, () => databaseHealthy(db));
  const address = await server.listen(config.SMTP_PORT, config.SMTP_HOST);
  const submission = await startSubmission(config, {
    db,
    clock: systemClock,
    settings: settingsFrom(config),
    queue: getPlatformQueue(),
    logger,
    tls,
    hostname: os.hostname(),
  });
  onListening(address.port, tls.source);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    logger.info({ port: address.port }, 'smtp stopping');
    await server.close();
    await submission?.close();
    await db.destroy();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

async function runPrimary(config: Env): Promise<void> {
  // Made once here, so the workers don't race to create the self-signed certificate.
  const tls = await loadTls(config);
  await startMetricsServer('smtp', metricsSettingsFrom(config), logger, collectCluster(), () => databaseHealthy(getDb()));
  const workers = config.SMTP_WORKERS;
  // Workers accept connections themselves. In node's default round-robin the primary accepts each
  // one and hands it over, which costs more than the message when a client connects per message:
  // measured with bench:smtp --external and SMTP_WORKERS=2, 420 msg/s that way, 529 this way.
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  superviseWorkers({
    role: 'smtp',
    workers,
    onListening: (message) => logger.info({ host: config.SMTP_HOST, port: message.port, workers, tls: tls.source }, 'smtp listening'),
  });
}

async function main(): Promise<void> {
  const config = env();
  configureLogger({ level: config.LOG_LEVEL, role: 'smtp' });
  configureSecrets(config.SECRET_KEY);
  initProcessMetrics('smtp');
  if (!config.DATABASE_URL) {
    throw new EnvError('DATABASE_URL is not set: start the smtp role with `npm start`, which provides it.');
  }
  if (config.SMTP_WORKERS > 1 && cluster.isPrimary) return runPrimary(config);
  if (cluster.isWorker) {
    // SIGINT from a terminal reaches the whole process group; the primary sends SIGTERM itself.
    return runServer(config, (port) => announceListening(port));
  }
  return runServer(config, (port, tls) => logger.info({ host: config.SMTP_HOST, port, workers: 1, tls }, 'smtp listening'));
}

main().catch((err: unknown) => {
  logger.fatal({ err: err instanceof Error ? { name: err.name, message: err.message } : String(err) }, 'smtp failed to start');
  process.exit(1);
});
