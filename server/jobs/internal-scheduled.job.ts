import type PgBoss from 'pg-boss';
import type { Db } from '../../db/client';
import type { Clock } from '../clock';
import { type FilingReport, type ScheduledInternalQueue, fileScheduledInternal, sweepScheduledInternal } from '../send/scheduled-send.service';
import type { Logger } from '../logger';
import { QUEUES, sendWakeUp } from './boss';
import { AppError } from '../errors';

export interface InternalScheduledJob {
  scheduledId: string;
}

export interface InternalScheduledDeps {
  db: Db;
  /** Decides whether a send is due; tests pass one they move by hand. */
  clock: Clock;
  log: Logger;
  queue: ScheduledInternalQueue;
}

export function scheduledInternalQueue(boss: PgBoss): ScheduledInternalQueue {
  return {
    async enqueueFiling(scheduledId, delaySeconds, tx) {
      await sendWakeUp(boss, QUEUES.internalScheduledFile, { scheduledId } satisfies InternalScheduledJob, delaySeconds, tx);
    },
  };
}

/**
 * Scheduled internal sends in the worker role. A job names a send; filing re-checks its status
 * and time with the injected clock (a cancelled send files nothing, an early job sleeps again)
 * and files every copy in one transaction. A sweep when the worker starts, and every minute,
 * re-queues due sends whose job was lost and purges old tombstones.
 */
export async function registerInternalScheduledJobs(
  boss: PgBoss,
  deps: InternalScheduledDeps,
  options: { pollingIntervalSeconds?: number; schedules?: boolean } = {},
) {
  const file = async (scheduledId: string): Promise<FilingReport> => {
    const report = await fileScheduledInternal(deps.db, deps.clock, scheduledId);
    if (report.outcome === 'not-due') {
      // Woken early (clock skew, a duplicate job): sleep again until it is due.
      await deps.queue.enqueueFiling(scheduledId, Math.max(0, (report.sendAt.getTime() - deps.clock.now().getTime()) / 1000));
    } else if (report.outcome === 'filed') {
      deps.log.info({ scheduledId, delivered: report.delivered }, 'scheduled internal message filed');
    }
    return report;
  };
  const sweep = async (graceMs?: number) => {
    const swept = await sweepScheduledInternal(deps.db, deps.queue, deps.clock, graceMs);
    if (swept.requeued) deps.log.info({ count: swept.requeued }, 'scheduled internal messages re-queued');
    return swept;
  };

  await boss.work<InternalScheduledJob>(
    QUEUES.internalScheduledFile,
    { batchSize: 4, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 0.5 },
    async (jobs) => {
      const results = await Promise.allSettled(jobs.map((job) => file(job.data.scheduledId)));
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      for (const failure of failed) {
        const err = failure.reason as { name?: string; code?: string };
        deps.log.error({ errorName: err?.name, errorCode: err?.code }, 'filing a scheduled internal message failed; the job will be retried');
      }
      // pg-boss retries the whole batch; sends already filed are 'gone' then and file nothing.
      if (failed.length) throw new AppError('UNAVAILABLE', `${failed.length} of ${jobs.length} scheduled internal filings failed`);
    },
  );
  await boss.work(QUEUES.internalScheduledSweep, async () => {
    await sweep();
  });
  if (options.schedules !== false) await boss.schedule(QUEUES.internalScheduledSweep, '* * * * *');
  // What a lost job or a worker that died left behind goes at once.
  await sweep();
  return { file, sweep };
}
