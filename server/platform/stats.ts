import 'server-only';
import type { Db } from '../../db/client';
import { eventCounts, eventTotals, latencyPercentiles } from '../../db/repositories/platform.repository';
import type { Clock } from '../clock';
import { AppError } from '../errors';

const COUNTED = ['accepted', 'delivered', 'deferred', 'bounced', 'failed', 'suppressed'] as const;
type Counted = (typeof COUNTED)[number];
const DAY_MS = 86_400_000;

export interface DomainStats {
  totals: ({ day: string } & Record<Counted, number>)[];
  days: ({ day: string; tag: string | null } & Record<Counted, number>)[];
  latency: { day: string; p50_ms: number; p95_ms: number; p99_ms: number }[];
}

/** Counts per UTC day and tag between `from` and `to` (inclusive dates; default the last 30 days). */
export async function domainStats(db: Db, clock: Clock, domain: string, range: { from?: string; to?: string }): Promise<DomainStats> {
  const to = range.to ? new Date(`${range.to}T00:00:00Z`) : new Date(Math.floor(clock.now().getTime() / DAY_MS) * DAY_MS);
  const from = range.from ? new Date(`${range.from}T00:00:00Z`) : new Date(to.getTime() - 29 * DAY_MS);
  if (from > to) throw new AppError('BAD_INPUT', 'from: must not be after to.', { field: 'from' });
  if (to.getTime() - from.getTime() > 366 * DAY_MS) throw new AppError('BAD_INPUT', 'from: at most a year at a time.', { field: 'from' });
  const end = new Date(to.getTime() + DAY_MS);
  const rows = await eventCounts(db, domain, from, end);
  const days = new Map<string, DomainStats['days'][number]>();
  for (const row of rows) {
    if (!(COUNTED as readonly string[]).includes(row.type)) continue;
    const key = `${row.day}\u0000${row.tag ?? ''}`;
    const entry = days.get(key) ?? { day: row.day, tag: row.tag, accepted: 0, delivered: 0, deferred: 0, bounced: 0, failed: 0, suppressed: 0 };
    entry[row.type as Counted] += Number(row.count);
    days.set(key, entry);
  }
  const totals = new Map<string, DomainStats['totals'][number]>();
  for (const row of await eventTotals(db, domain, from, end)) {
    if (!(COUNTED as readonly string[]).includes(row.type)) continue;
    const entry = totals.get(row.day) ?? { day: row.day, accepted: 0, delivered: 0, deferred: 0, bounced: 0, failed: 0, suppressed: 0 };
    entry[row.type as Counted] += Number(row.count);
    totals.set(row.day, entry);
  }
  const latency = (await latencyPercentiles(db, domain, from, end)).map((l) => ({
    day: l.day,
    p50_ms: Math.round(l.p50),
    p95_ms: Math.round(l.p95),
    p99_ms: Math.round(l.p99),
  }));
  return { totals: [...totals.values()], days: [...days.values()], latency };
}
