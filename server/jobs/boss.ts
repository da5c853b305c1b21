import PgBoss from 'pg-boss';
import { DEFAULT_DB_TIMEOUTS, type DbTimeouts, poolTimeoutSettings } from '../../db/client';
import { type Logger, logger as defaultLogger } from '../logger';
import type { VerificationQueue } from '../domains/domain.service';
import type { SqlExecutor } from '../../db/pg-boss-executor';
import type { OutboundQueue } from '../delivery/queue';

/** Queue names and policies in one place. */
export const QUEUES = {
  domainVerify: 'domain-verify',
  domainRecheckAll: 'domain-recheck-all',
  outboundDeliver: 'outbound-deliver',
  outboundSweep: 'outbound-sweep',
  outboundPurge: 'outbound-purge',
  internalScheduledFile: 'internal-scheduled-file',
  internalScheduledSweep: 'internal-scheduled-sweep',
  mailboxPurge: 'mailbox-purge',
} as const;

export interface OutboundDeliverJob {
  outboundId: string;
}

export interface DomainVerifyJob {
  domainId: string;
  /** Position in the backoff schedule; manual checks don't reschedule. */
  attempt: number;
  manual: boolean;
}

/**
 * pg-boss on the application's database, in its own schema. The web role only sends (no
 * maintenance, no cron); the worker role runs maintenance, cron and the handlers.
 */
export async function startBoss(connectionString: string, role: 'sender' | 'worker', options: { timeouts?: DbTimeouts; log?: Logger } = {}): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString,
    schema: 'pgboss',
    max: role === 'worker' ? 4 : 2,
    supervise: role === 'worker',
    schedule: role === 'worker',
    migrate: true,
    // The same connect and query time-outs as the application's pool: a frozen database fails
    // pg-boss's polling and maintenance instead of hanging them.
    ...(poolTimeoutSettings(options.timeouts ?? DEFAULT_DB_TIMEOUTS) as object),
  });
  // pg-boss retries polling and maintenance by itself after an error (a database outage makes one
  // per poll): log them, at most one line per kind of error every 10 s.
  boss.on('error', throttledErrorLog(options.log ?? defaultLogger, role));
  try {
    await boss.start();
    await createQueues(boss);
  } catch (err) {
    // The start error is the one to throw; a failure to stop after it is only logged.
    await boss
      .stop({ graceful: false, wait: true })
      .catch((stopErr: Error) =>
        (options.log ?? defaultLogger).warn(
          { role, err: stopErr.message, errorCode: (stopErr as { code?: string }).code },
          'pg-boss did not stop after a failed start',
        ),
      );
    throw err;
  }
  return boss;
}

function throttledErrorLog(log: Logger, role: string): (err: Error) => void {
  const lastLogged = new Map<string, { at: number; suppressed: number }>();
  return (err) => {
    const key = (err as { code?: string }).code ?? err.message;
    const now = Date.now();
    const last = lastLogged.get(key);
    if (last && now - last.at < 10_000) {
      last.suppressed++;
      return;
    }
    lastLogged.set(key, { at: now, suppressed: 0 });
    log.warn({ role, err: err.message, errorCode: (err as { code?: string }).code, suppressedSinceLast: last?.suppressed ?? 0 }, 'pg-boss error');
  };
}

async function createQueues(boss: PgBoss): Promise<void> {
  await boss.createQueue(QUEUES.domainVerify, { name: QUEUES.domainVerify, retryLimit: 3, retryDelay: 30, retryBackoff: true, expireInSeconds: 120 });
  await boss.createQueue(QUEUES.domainRecheckAll, { name: QUEUES.domainRecheckAll, retryLimit: 2 });
  // Delivery state lives in outbound_messages, not in the job: a job only wakes a worker, and a
  // failed or expired one is retried harmlessly (claiming the message row keeps it single).
  await boss.createQueue(QUEUES.outboundDeliver, {
    name: QUEUES.outboundDeliver,
    retryLimit: 10,
    retryDelay: 30,
    retryBackoff: true,
    expireInSeconds: 30 * 60,
  });
  await boss.createQueue(QUEUES.outboundSweep, { name: QUEUES.outboundSweep, retryLimit: 0, expireInSeconds: 5 * 60 });
  await boss.createQueue(QUEUES.outboundPurge, { name: QUEUES.outboundPurge, retryLimit: 1, expireInSeconds: 5 * 60 });
  // Like delivery, a scheduled internal send's state is its row: the job only wakes a worker, and
  // filing twice files once (see server/send/scheduled-send.service.ts).
  await boss.createQueue(QUEUES.internalScheduledFile, {
    name: QUEUES.internalScheduledFile,
    retryLimit: 10,
    retryDelay: 30,
    retryBackoff: true,
    expireInSeconds: 5 * 60,
  });
  await boss.createQueue(QUEUES.internalScheduledSweep, { name: QUEUES.internalScheduledSweep, retryLimit: 0, expireInSeconds: 5 * 60 });
  await boss.createQueue(QUEUES.mailboxPurge, { name: QUEUES.mailboxPurge, retryLimit: 1, expireInSeconds: 10 * 60 });
}

export function verificationQueue(boss: PgBoss): VerificationQueue {
  return {
    async enqueueCheck(domainId, options = {}) {
      const job: DomainVerifyJob = { domainId, attempt: 0, manual: options.manual ?? false };
      await boss.send(QUEUES.domainVerify, job);
    },
  };
}

/**
 * Queues a job that wakes a worker `delaySeconds` from now, inside the caller's transaction when
 * `tx` is given (so a row and its job commit together).
 */
export async function sendWakeUp(boss: PgBoss, queue: string, data: object, delaySeconds: number, tx?: SqlExecutor): Promise<void> {
  await boss.send(queue, data, {
    // Relative seconds, counted by the database: the caller's clock may be a test's.
    ...(delaySeconds > 0 ? { startAfter: Math.ceil(delaySeconds * 1000) / 1000 } : {}),
    ...(tx ? { db: tx } : {}),
  });
}

export function outboundQueue(boss: PgBoss): OutboundQueue {
  return {
    async enqueueDelivery(outboundId, delaySeconds, tx) {
      await sendWakeUp(boss, QUEUES.outboundDeliver, { outboundId } satisfies OutboundDeliverJob, delaySeconds, tx);
    },
  };
}
