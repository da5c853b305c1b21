import 'server-only';
import type PgBoss from 'pg-boss';
import type { Db } from '../../db/client';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { purgeOldTrashAndSpam } from '../mail/organize.service';
import { QUEUES } from './boss';

/** Hourly: Trash and Spam older than MAILBOX_PURGE_DAYS (by when they got there) are deleted for good. */
export async function registerMailboxPurgeJob(
  boss: PgBoss,
  deps: { db: Db; clock: Clock; log: Logger; purgeDays: number },
  options: { schedules?: boolean } = {},
) {
  await boss.work(QUEUES.mailboxPurge, async () => {
    const purged = await purgeOldTrashAndSpam(deps.db, deps.clock.now(), deps.purgeDays);
    if (purged) deps.log.info({ purged }, 'old Trash and Spam purged');
  });
  if (options.schedules !== false) await boss.schedule(QUEUES.mailboxPurge, '41 * * * *');
}
