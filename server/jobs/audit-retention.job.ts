import 'server-only';
import type PgBoss from 'pg-boss';
import type { Db } from '../../db/client';
import { purgeOldAuditEvents } from '../admin/audit-log.service';
import type { Clock } from '../clock';
import type { Logger } from '../logger';

export const AUDIT_PURGE_QUEUE = 'audit-purge';

/** Daily, on the worker role: audit events older than AUDIT_RETENTION_DAYS are deleted (0 keeps them). */
export async function registerAuditRetentionJob(boss: PgBoss, deps: { db: Db; clock: Clock; log: Logger; retentionDays: number }): Promise<void> {
  await boss.createQueue(AUDIT_PURGE_QUEUE, { name: AUDIT_PURGE_QUEUE, retryLimit: 1, expireInSeconds: 10 * 60 });
  await boss.work(AUDIT_PURGE_QUEUE, async () => {
    const purged = await purgeOldAuditEvents(deps.db, deps.clock, deps.retentionDays);
    if (purged > 0) deps.log.info({ purged, retentionDays: deps.retentionDays }, 'old audit events purged');
  });
  await boss.schedule(AUDIT_PURGE_QUEUE, '41 3 * * *');
}
