import type { Db } from '../../db/client';
import { findDomainById, saveCheck } from '../../db/repositories/domain.repository';
import type { DomainStatus } from '../../db/schema';
import type { Clock } from '../clock';
import type { DnsResolver } from '../mail/dns';
import { type DomainSettings, recordConfig } from './domain.service';
import { expectedRecords } from './records';
import { type RecordCheck, checkRecords } from './record-check';

/** Unverified domains are retried with backoff for 72 hours, then marked failed. */
export const VERIFY_WINDOW_MS = 72 * 60 * 60 * 1000;
const DELAYS_MIN = [1, 2, 5, 10, 30, 60];

export function nextCheckDelayMs(attempt: number): number {
  return (DELAYS_MIN[attempt] ?? 120) * 60 * 1000;
}

export function nextStatus(current: DomainStatus, checks: RecordCheck[], createdAt: Date, now: Date): DomainStatus {
  if (checks.every((c) => c.status === 'ok')) return 'verified';
  // Once verified, a record that drifts is flagged on the record, not by taking the domain away.
  if (current === 'verified') return 'verified';
  return now.getTime() - createdAt.getTime() > VERIFY_WINDOW_MS ? 'failed' : 'pending';
}

export interface CheckOutcome {
  status: DomainStatus;
  checks: RecordCheck[];
}

export async function runDomainCheck(
  db: Db,
  resolve: DnsResolver,
  clock: Clock,
  settings: DomainSettings,
  domainId: string,
): Promise<CheckOutcome | undefined> {
  const row = await findDomainById(db, domainId);
  if (!row) return undefined;
  const config = recordConfig(settings);
  const checks = await checkRecords(resolve, expectedRecords(row, config), config.mailHostname);
  const now = clock.now();
  const status = nextStatus(row.status, checks, row.created_at, now);
  await saveCheck(db, row.id, checks, {
    status,
    verified_at: status === 'verified' ? (row.verified_at ?? now) : row.verified_at,
    last_checked_at: now,
  });
  return { status, checks };
}
