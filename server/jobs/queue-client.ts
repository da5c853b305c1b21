import 'server-only';
import type PgBoss from 'pg-boss';
import type { VerificationQueue } from '../domains/domain.service';
import { dbTimeouts } from '../db';
import { env } from '../env';
import { logger } from '../logger';
import type { OutboundQueue } from '../delivery/queue';
import type { ScheduledInternalQueue } from '../send/scheduled-send.service';
import { outboundQueue, startBoss, verificationQueue } from './boss';
import { scheduledInternalQueue } from './internal-scheduled.job';
import type { PlatformQueue } from '../platform/send';
import { platformQueue } from './platform-queue';

let boss: Promise<PgBoss> | undefined;

/** The started handle; a start that failed (database away) is forgotten, so the next call retries. */
function client(): Promise<PgBoss> {
  if (!boss) {
    const config = env();
    const starting = startBoss(config.DATABASE_URL!, 'sender', { timeouts: dbTimeouts(config) });
    boss = starting;
    starting.catch((err: Error) => {
      // The caller gets the error too; this line says why the web role has no queue right now.
      logger.warn({ err: err.message, errorCode: (err as { code?: string }).code }, 'web role could not start its pg-boss handle; the next send retries');
      if (boss === starting) boss = undefined;
    });
  }
  return boss;
}

/** The web role's handle for sending jobs to the workers; started on first use. */
export function getVerificationQueue(): VerificationQueue {
  return {
    async enqueueCheck(domainId, options) {
      await verificationQueue(await client()).enqueueCheck(domainId, options);
    },
  };
}

/** The web role's handle for queueing outbound mail; pg-boss starts on first use. */
export function getOutboundQueue(): OutboundQueue {
  return {
    async enqueueDelivery(outboundId, delaySeconds, tx) {
      await outboundQueue(await client()).enqueueDelivery(outboundId, delaySeconds, tx);
    },
  };
}

/** The web role's handle for filing scheduled internal mail at its time; pg-boss starts on first use. */
export function getScheduledInternalQueue(): ScheduledInternalQueue {
  return {
    async enqueueFiling(scheduledId, delaySeconds, tx) {
      await scheduledInternalQueue(await client()).enqueueFiling(scheduledId, delaySeconds, tx);
    },
  };
}

/** Stops the web role's pg-boss handle, if it was started (graceful shutdown, tests). */
export async function stopQueueClient(): Promise<void> {
  const started = boss;
  boss = undefined;
  if (started) await (await started).stop({ graceful: false, close: true, wait: true });
}

/** The web role's handle for queueing the sending platform's mail; pg-boss starts on first use. */
export function getPlatformQueue(): PlatformQueue {
  return {
    async enqueueDeliveries(items, tx) {
      await platformQueue(await client()).enqueueDeliveries(items, tx);
    },
  };
}
