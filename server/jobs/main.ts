import 'server-only';
import { openWorkerPresence } from '../../db/repositories/worker-presence.repository';
import { systemClock } from '../clock';
import { getDb } from '../db';
import { env } from '../env';
import { logger } from '../logger';
import { createDnsResolver } from '../mail/dns';
import { SmtpPools } from '../outbound/smtp-client';
import { outboundQueue, startBoss } from './boss';
import { registerDomainJobs } from './domain-verify.job';
import { registerInternalScheduledJobs, scheduledInternalQueue } from './internal-scheduled.job';
import { registerOutboundJobs } from './outbound-deliver.job';

/**
 * The worker role: `node --import tsx server/jobs/main.ts` with DATABASE_URL set. Several workers may
 * run against one database; pg-boss hands each job to one of them. SIGTERM stops taking jobs, lets
 * the ones in flight finish, and exits 0.
 */
async function main() {
  const config = env();
  const db = getDb();
  const boss = await startBoss(config.DATABASE_URL!, 'worker');
  await registerDomainJobs(boss, { db, resolve: createDnsResolver(config.DNS_SERVERS), clock: systemClock, log: logger });

  // Losing the presence session means other workers may take over this one's messages: stop at
  // once (the supervisor restarts the role) rather than deliver them twice side by side.
  const presence = await openWorkerPresence(config.DATABASE_URL!, (err) => {
    logger.fatal({ err: err.message }, 'worker presence session lost');
    process.exit(1);
  });
  const heloName = config.MAIL_HOSTNAME ?? config.MAIL_DOMAIN;
  const pools = new SmtpPools({ heloName, relayUrl: config.SMTP_RELAY_URL });
  await registerOutboundJobs(
    boss,
    {
      db,
      clock: systemClock,
      // MX answers are cached for a minute: a burst of mail to one domain needs one lookup.
      resolve: createDnsResolver(config.DNS_SERVERS, { cacheMs: 60_000 }),
      log: logger,
      pools,
      workerId: presence.id,
      queue: outboundQueue(boss),
      config: { port: config.OUTBOUND_SMTP_PORT, reportingMta: heloName, mailDomain: config.MAIL_DOMAIN, retentionHours: config.DEAD_LETTER_RETENTION_HOURS },
    },
    { concurrency: config.OUTBOUND_CONCURRENCY },
  );
  await registerInternalScheduledJobs(boss, { db, clock: systemClock, log: logger, queue: scheduledInternalQueue(boss) });
  logger.info('worker ready');

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await boss.stop({ graceful: true, wait: true, timeout: 15_000 });
    pools.close();
    await presence.close();
    await db.destroy();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  logger.fatal({ err: err instanceof Error ? err.message : String(err) }, 'worker failed to start');
  process.exit(1);
});
