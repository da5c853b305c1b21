import 'server-only';
import type PgBoss from 'pg-boss';
import type { PlatformQueue } from '../platform/send';
import { type OutboundDeliverJob, QUEUES } from './boss';

/**
 * The platform's handle on the outbound delivery queue: a batch of messages gets its jobs in one
 * INSERT, in the transaction that stores the messages. A job only wakes a worker; the message row
 * decides (see server/jobs/outbound-deliver.job.ts), so a job that starts early just sleeps again.
 */
export function platformQueue(boss: PgBoss): PlatformQueue {
  return {
    async enqueueDeliveries(items, tx) {
      const now = Date.now();
      await boss.insert(
        items.map(({ id, sendAt }) => ({
          name: QUEUES.outboundDeliver,
          data: { outboundId: id } satisfies OutboundDeliverJob,
          ...(sendAt.getTime() > now + 1000 ? { startAfter: sendAt.toISOString() } : {}),
        })),
        { db: tx },
      );
    },
  };
}
