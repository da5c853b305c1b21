import 'server-only';
import type { Db } from '../client';

type Executor = Db;

export interface AuditFilter {
  userId?: string;
  /** An event name, or a prefix ending in `.` (`admin.`). */
  event?: string;
  from?: Date;
  to?: Date;
  /** Keyset cursor: events before this one (newest first). */
  before?: { at: Date; id: string };
  limit: number;
}

export interface AuditRow {
  id: string;
  at: Date;
  user_id: string | null;
  username: string | null;
  event: string;
  ip: string | null;
  details: unknown;
}

/** The audit log, newest first, filtered by user, event and time. */
export async function listAuditEvents(db: Executor, filter: AuditFilter): Promise<AuditRow[]> {
  let query = db
    .selectFrom('audit_log as a')
    .leftJoin('users as u', 'u.id', 'a.user_id')
    .select(['a.id', 'a.at', 'a.user_id', 'u.username', 'a.event', 'a.ip', 'a.details']);
  if (filter.userId) query = query.where('a.user_id', '=', filter.userId);
  if (filter.event) {
    const prefix = filter.event.endsWith('.');
    query = prefix ? query.where('a.event', 'like', `${filter.event.replace(/[\\%_]/g, (c) => `\\${c}`)}%`) : query.where('a.event', '=', filter.event);
  }
  if (filter.from) query = query.where('a.at', '>=', filter.from);
  if (filter.to) query = query.where('a.at', '<', filter.to);
  if (filter.before) {
    const { at, id } = filter.before;
    query = query.where((eb) => eb.or([eb('a.at', '<', at), eb.and([eb('a.at', '=', at), eb('a.id', '<', id)])]));
  }
  return query.orderBy('a.at', 'desc').orderBy('a.id', 'desc').limit(filter.limit).execute();
}

/** The event names seen so far, for the viewer's filter. */
export async function listAuditEventNames(db: Executor): Promise<string[]> {
  const rows = await db.selectFrom('audit_log').select('event').distinct().orderBy('event').limit(500).execute();
  return rows.map((r) => r.event);
}

/** Deletes events older than `before`; returns how many. */
export async function purgeAuditEvents(db: Executor, before: Date): Promise<number> {
  const result = await db.deleteFrom('audit_log').where('at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
