import 'server-only';
import type PgBoss from 'pg-boss';
import { openWorkerPresence, type WorkerPresence } from '../../db/repositories/worker-presence.repository';
import { backoffDelay } from '../backoff';
import { systemClock } from '../clock';
import { dbTimeouts, getDb } from '../db';
import { type Env, env } from '../env';
import { configureLogger, logger } from '../logger';
import { configureSecrets } from '../secrets';
import { settingsFrom } from '../settings';
import { createDnsResolver } from '../mail/dns';
import { SmtpPools } from '../delivery/smtp-client';
import { createMtaStsLookup } from '../delivery/mta-sts';
import { outboundQueue, startBoss } from './boss';
import { registerAuditRetentionJob } from './audit-retention.job';
import { registerDomainJobs } from './domain-verify.job';
import { registerInternalScheduledJobs, scheduledInternalQueue } from './internal-scheduled.job';
import { registerMailboxPurgeJob } from './mailbox-purge.job';
import { registerOutboundJobs } from './outbound-deliver.job';
import { readQueueDepth } from '../../db/repositories/metrics.repository';
import { metricsSettingsFrom, startMetricsServer } from '../metrics/http';
import { initProcessMetrics } from '../metrics/registry';
import { trackQueueDepth } from '../metrics/worker';
import { databaseHealthy } from '../metrics/health';
import { type WebhookDispatcher, startWebhookDispatcher } from '../platform/webhook-dispatcher';
import { createPlatformComposer } from '../platform/compose-at-delivery';

/**
 * The worker role: `node --import tsx server/jobs/main.ts` with DATABASE_URL set. Several workers may
 * run against one database; pg-boss hands each job to one of them. SIGTERM stops taking jobs, lets
 * the ones in flight finish (up to SHUTDOWN_TIMEOUT_MS), and exits 0.
 *
 * The process never exits because the database is away. It runs sessions: pg-boss, the job
 * handlers and a presence session (see worker-presence.repository.ts). When the presence session
 * is lost, other workers may take over this one's messages, so the session stops at once (its SMTP
 * connections are closed, so nothing in flight is delivered twice side by side) and a new one,
 * with a new presence id, starts when the database answers again, with a backoff of up to 5 s meanwhile.
 */
interface WorkerSession {
  /** Resolves when the presence session is lost. */
  lost: Promise<Error>;
  stop(graceful: boolean): Promise<void>;
}

async function startSession(config: Env): Promise<WorkerSession> {
  const db = getDb();
  const boss = await startBoss(config.DATABASE_URL!, 'worker', { timeouts: dbTimeouts(config), log: logger });
  let presence: WorkerPresence | undefined;
  let pools: SmtpPools | undefined;
  let webhooks: WebhookDispatcher | undefined;
  const stop = async (graceful: boolean) => {
    await webhooks?.stop();
    await boss
      .stop(graceful ? { graceful: true, wait: true, timeout: config.SHUTDOWN_TIMEOUT_MS } : { graceful: false, wait: true })
      .catch((err: Error) => logger.warn({ err: err.message }, 'pg-boss did not stop cleanly'));
    pools?.close();
    await presence?.close().catch((err: Error) => logger.warn({ err: err.message }, 'presence session did not close cleanly'));
  };
  try {
    await registerDomainJobs(boss, { db, resolve: createDnsResolver(config.DNS_SERVERS), clock: systemClock, settings: settingsFrom(config), log: logger });
    let onLost: (err: Error) => void = () => undefined;
    const lost = new Promise<Error>((resolve) => (onLost = resolve));
    presence = await openWorkerPresence(config.DATABASE_URL!, (err) => onLost(err));
    const heloName = config.MAIL_HOSTNAME ?? config.MAIL_DOMAIN;
    pools = new SmtpPools({ heloName, relayUrl: config.SMTP_RELAY_URL });
    await registerOutbound(boss, config, presence.id, pools, heloName);
    await registerInternalScheduledJobs(boss, { db, clock: systemClock, log: logger, queue: scheduledInternalQueue(boss) });
    // The sending platform's webhooks go out on their own loop, so a slow endpoint never holds mail up.
    webhooks = startWebhookDispatcher({ db, clock: systemClock, log: logger, allowPrivateTargets: config.WEBHOOK_ALLOW_PRIVATE });
    await registerAuditRetentionJob(boss, { db, clock: systemClock, log: logger, retentionDays: config.AUDIT_RETENTION_DAYS });
    await registerMailboxPurgeJob(boss, { db, clock: systemClock, log: logger, purgeDays: config.MAILBOX_PURGE_DAYS });
    return { lost, stop };
  } catch (err) {
    await stop(false);
    throw err;
  }
}

async function registerOutbound(boss: PgBoss, config: Env, workerId: string, pools: SmtpPools, heloName: string) {
  await registerOutboundJobs(
    boss,
    {
      db: getDb(),
      clock: systemClock,
      // MX answers are cached for a minute: a burst of mail to one domain needs one lookup.
      resolve: createDnsResolver(config.DNS_SERVERS, { cacheMs: 60_000 }),
      log: logger,
      pools,
      mtaSts: createMtaStsLookup({ resolve: createDnsResolver(config.DNS_SERVERS, { cacheMs: 60_000 }) }),
      workerId,
      queue: outboundQueue(boss),
      // API mail is accepted as a sealed spec and composed, rendered and DKIM-signed here.
      materialize: createPlatformComposer({ db: getDb(), mailDomain: settingsFrom(config).mailDomain, maxMessageBytes: settingsFrom(config).maxMessageBytes }),
      config: { port: config.OUTBOUND_SMTP_PORT, reportingMta: heloName, mailDomain: config.MAIL_DOMAIN, retentionHours: config.DEAD_LETTER_RETENTION_HOURS },
    },
    { concurrency: config.OUTBOUND_CONCURRENCY },
  );
}

async function main() {
  const config = env();
  configureLogger({ level: config.LOG_LEVEL, role: 'worker' });
  configureSecrets(config.SECRET_KEY);
  initProcessMetrics('worker');
  trackQueueDepth(() => readQueueDepth(getDb()));
  await startMetricsServer('worker', metricsSettingsFrom(config), logger, undefined, () => databaseHealthy(getDb()));
  let stopping = false;
  let session: WorkerSession | undefined;
  let wake: () => void = () => undefined;

  const stop = async () => {
    if (stopping) return;
    stopping = true;
    wake();
    await session?.stop(true);
    await getDb().destroy();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  for (let failures = 0; !stopping; ) {
    try {
      session = await startSession(config);
    } catch (err) {
      // Capped low: a retry costs one connection attempt, and jobs should resume soon after the database does.
      const retryInMs = backoffDelay(failures++, 500, 5_000);
      logger.error(
        { err: err instanceof Error ? err.message : String(err), retryInMs },
        'worker could not start its session (database unreachable?); retrying',
      );
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, retryInMs);
      });
      continue;
    }
    if (stopping) break;
    failures = 0;
    logger.info('worker ready');
    const reason = await Promise.race([session.lost, new Promise<undefined>((resolve) => (wake = () => resolve(undefined)))]);
    if (!reason || stopping) break;
    logger.error({ err: reason.message }, 'worker presence session lost; stopping job handlers until the database answers again');
    const lostSession = session;
    session = undefined;
    await lostSession.stop(false);
  }
}

main().catch((err) => {
  logger.fatal({ err: err instanceof Error ? err.message : String(err) }, 'worker failed');
  process.exit(1);
});
