import 'server-only';
import type { Db } from '../../db/client';
import { type AuditFilter, listAuditEventNames, listAuditEvents, purgeAuditEvents } from '../../db/repositories/audit-query.repository';
import type { Clock } from '../clock';

/** One audit event as the viewer shows it; details are small JSON documents, never content or keys. */
export interface AuditEvent {
  id: string;
  at: string;
  username: string | null;
  event: string;
  ip: string | null;
  details: Record<string, unknown> | null;
}

export async function listAudit(db: Db, filter: AuditFilter): Promise<AuditEvent[]> {
  return (await listAuditEvents(db, filter)).map((row) => ({
    id: String(row.id),
    at: row.at.toISOString(),
    username: row.username,
    event: row.event,
    ip: row.ip,
    details: row.details && typeof row.details === 'object' ? (row.details as Record<string, unknown>) : null,
  }));
}

export const auditEventNames = (db: Db) => listAuditEventNames(db);

const DAY_MS = 24 * 60 * 60 * 1000;

/** The worker's daily purge: events older than AUDIT_RETENTION_DAYS go (0 keeps everything). */
export async function purgeOldAuditEvents(db: Db, clock: Clock, retentionDays: number): Promise<number> {
  if (retentionDays === 0) return 0;
  return purgeAuditEvents(db, new Date(clock.now().getTime() - retentionDays * DAY_MS));
}
