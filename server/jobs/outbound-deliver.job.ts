import type PgBoss from 'pg-boss';
import { purgeSentMailHistory } from '../delivery/retention';
import { type Deliverer, type DelivererDeps, createDeliverer } from '../delivery/deliverer';
import { type OutboundDeliverJob, QUEUES } from './boss';
import { AppError } from '../errors';

export interface OutboundJobsOptions {
  /** OUTBOUND_CONCURRENCY: messages this process delivers at once. */
  concurrency: number;
  pollingIntervalSeconds?: number;
  /** Cron schedules; tests turn them off and call sweep() themselves. */
  schedules?: boolean;
}

/** pg-boss polls each registration on its own loop; a few loops keep one slow batch from stalling the rest. */
const MAX_LOOPS = 4;

/**
 * Outbound delivery in the worker role. A job names a message; the deliverer claims the messages
 * of a whole batch of jobs in one statement, re-checking each one's status and time with the
 * injected clock (a cancelled message never goes, an early one sleeps again), tries every due
 * recipient, commits the outcomes as they come and queues the next try. A sweep every
 * minute re-queues what a lost job or a dead worker left behind, and an hourly purge drops what
 * server/delivery/retention.ts says is no longer kept.
 */
export async function registerOutboundJobs(boss: PgBoss, deps: DelivererDeps, options: OutboundJobsOptions): Promise<Deliverer> {
  const deliverer = createDeliverer(deps);
  const loops = Math.min(MAX_LOOPS, options.concurrency);
  const batchSize = Math.max(1, Math.ceil(options.concurrency / loops));

  for (let i = 0; i < loops; i++) {
    let workerId = '';
    workerId = await boss.work<OutboundDeliverJob>(
      QUEUES.outboundDeliver,
      { batchSize, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 0.5 },
      async (jobs) => {
        // A full batch means a backlog: fetch again as soon as this one is done instead of
        // sleeping out the polling interval, which would cap a loop at batchSize jobs per interval.
        if (jobs.length === batchSize) boss.notifyWorker(workerId);
        const results = await deliverer.deliverAll(jobs.map((job) => job.data.outboundId));
        const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        for (const failure of failed) {
          const err = failure.reason as { name?: string; code?: string };
          deps.log.error({ errorName: err?.name, errorCode: err?.code }, 'outbound delivery failed; the job will be retried');
        }
        // pg-boss fails (and retries) the whole batch; deliveries already recorded are skipped then.
        if (failed.length) throw new AppError('UNAVAILABLE', `${failed.length} of ${jobs.length} outbound deliveries failed`);
      },
    );
  }

  await boss.work(QUEUES.outboundSweep, async () => {
    await deliverer.sweep();
  });
  await boss.work(QUEUES.outboundPurge, async () => {
    const purged = await purgeSentMailHistory(deps.db, deps.clock.now());
    if (purged.sealed || purged.envelopes || purged.internal) deps.log.info(purged, 'sent mail history purged');
  });
  if (options.schedules !== false) {
    await boss.schedule(QUEUES.outboundSweep, '* * * * *');
    await boss.schedule(QUEUES.outboundPurge, '23 * * * *');
  }
  // Whatever a worker that died left behind can go at once.
  await deliverer.sweep();
  return deliverer;
}
