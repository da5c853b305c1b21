import type PgBoss from 'pg-boss';
import type { Db } from '../../db/client';
import { listVerifiedDomainIds } from '../../db/repositories/domain.repository';
import type { Clock } from '../clock';
import type { DomainSettings } from '../domains/domain.service';
import { nextCheckDelayMs, runDomainCheck } from '../domains/verification';
import type { Logger } from '../logger';
import type { DnsResolver } from '../mail/dns';
import { type DomainVerifyJob, QUEUES } from './boss';
import { recordDomainCheck } from '../metrics/worker';

/**
 * Checks one domain's records. While it is pending, the job schedules its own next run on the
 * backoff schedule; a manual "Check now" runs once. A daily cron re-checks verified domains.
 */
export async function registerDomainJobs(boss: PgBoss, deps: { db: Db; resolve: DnsResolver; clock: Clock; settings: DomainSettings; log: Logger }) {
  await boss.work<DomainVerifyJob>(QUEUES.domainVerify, { pollingIntervalSeconds: 0.5 }, async ([job]) => {
    if (!job) return;
    const { domainId, attempt, manual } = job.data;
    const outcome = await runDomainCheck(deps.db, deps.resolve, deps.clock, deps.settings, domainId);
    if (!outcome) return; // the domain was deleted
    recordDomainCheck(outcome.status, outcome.checks);
    deps.log.info({ domainId, status: outcome.status, records: outcome.checks.map((c) => `${c.kind}:${c.status}`) }, 'domain checked');
    if (outcome.status === 'pending' && !manual) {
      const next: DomainVerifyJob = { domainId, attempt: attempt + 1, manual: false };
      await boss.send(QUEUES.domainVerify, next, { startAfter: new Date(deps.clock.now().getTime() + nextCheckDelayMs(attempt)) });
    }
  });

  await boss.work(QUEUES.domainRecheckAll, async () => {
    for (const domainId of await listVerifiedDomainIds(deps.db)) {
      const job: DomainVerifyJob = { domainId, attempt: 0, manual: true };
      await boss.send(QUEUES.domainVerify, job);
    }
  });
  await boss.schedule(QUEUES.domainRecheckAll, '17 3 * * *');
}
