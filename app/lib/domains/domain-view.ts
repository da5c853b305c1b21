/**
 * What the Domains settings page shows and when it asks again, without the DOM: labels for
 * statuses, how hosts read, what a deletion breaks, and how often to poll while a check runs.
 * The shapes below come from `domains.get`'s output, so client and server can't drift apart.
 */
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/api/root';

type DomainOutput = inferRouterOutputs<AppRouter>['domains']['get'];
export type DomainStatus = DomainOutput['status'];
export type RecordView = DomainOutput['records'][number];
export type RecordStatus = RecordView['status'];
export type RecordKind = RecordView['kind'];
export type Tone = 'neutral' | 'success' | 'warning' | 'danger';
export type DomainView = Pick<DomainOutput, 'id' | 'name' | 'unicodeName' | 'status' | 'lastCheckedAt' | 'drift' | 'records'>;

export interface StatusView {
  label: string;
  tone: Tone;
  description: string;
}

export const DOMAIN_STATUS: Record<DomainStatus, StatusView> = {
  pending: { label: 'Pending', tone: 'warning', description: 'Publish the records below at your DNS provider, then check again.' },
  verified: { label: 'Verified', tone: 'success', description: 'The records are in place; mail for this domain comes to Sealpost.' },
  failed: {
    label: 'Failed',
    tone: 'danger',
    description: 'The records were not found within 72 hours. Publish them, then check again.',
  },
};

export const RECORD_KIND_LABEL: Record<RecordKind, string> = {
  ownership: 'Ownership',
  mx: 'MX',
  spf: 'SPF',
  dkim: 'DKIM',
  dmarc: 'DMARC',
};

export function recordStatus(record: Pick<RecordView, 'status' | 'checkedAt'>): StatusView {
  switch (record.status) {
    case 'ok':
      return { label: 'OK', tone: 'success', description: 'DNS returns this record as expected.' };
    case 'missing':
      return { label: 'Missing', tone: 'warning', description: 'DNS has no such record yet.' };
    case 'mismatch':
      return { label: 'Mismatch', tone: 'danger', description: 'DNS returns a different value.' };
    case 'pending':
      return record.checkedAt
        ? { label: 'No answer', tone: 'neutral', description: 'DNS did not answer in time; the next check decides.' }
        : { label: 'Not checked yet', tone: 'neutral', description: 'The first check has not run yet.' };
  }
}

/** "Found: …" for a record DNS returned differently; nothing otherwise. */
export function foundText(record: Pick<RecordView, 'status' | 'found'>): string | null {
  return record.status === 'mismatch' && record.found ? `Found: ${record.found}` : null;
}

/**
 * DNS providers ask for the name in one of two ways: relative ("@", "_dmarc") or in full. Show the
 * relative one first and the full name beside it.
 */
export function hostDisplay(record: Pick<RecordView, 'host' | 'fqdn'>): { name: string; full: string } {
  return { name: record.host, full: record.host === '@' ? `${record.fqdn} (the domain itself)` : record.fqdn };
}

/** The domain's name as a person reads it, with the punycode form when they differ. */
export function domainTitle(domain: Pick<DomainView, 'name' | 'unicodeName'>): string {
  return domain.unicodeName && domain.unicodeName !== domain.name ? `${domain.unicodeName} (${domain.name})` : domain.name;
}

/** Records of a verified domain that no longer match what was verified. */
export function driftedRecords(domain: Pick<DomainView, 'drift' | 'records'>): RecordKind[] {
  if (!domain.drift) return [];
  return domain.records.filter((r) => r.status !== 'ok' && r.checkedAt !== null).map((r) => r.kind);
}

export const zoneFileHref = (domainId: string) => `/api/domains/${encodeURIComponent(domainId)}/zone`;

// ---- Checking and polling ----

/** A "Check now" the person asked for: when, and which check result was on screen then. */
export interface CheckRequest {
  startedAt: number;
  baseline: string | null;
}

/** How long the page waits for a requested check to report before saying it is still queued. */
export const CHECK_WINDOW_MS = 30_000;
/** While a check is expected to report soon. */
export const FAST_POLL_MS = 1_500;
/**
 * While records are missing and nobody asked for a check: the worker re-checks on a backoff of
 * minutes, so asking every 1.5 s would only repeat the same answer.
 */
export const SLOW_POLL_MS = 15_000;

export type CheckPhase = 'idle' | 'checking' | 'done' | 'queued';

/**
 * `checking` until the domain's last check differs from the one on screen when "Check now" was
 * pressed (comparing the server's own timestamps, so clock skew can't fool it); `queued` if that
 * has not happened within CHECK_WINDOW_MS.
 */
export function checkPhase(domain: Pick<DomainView, 'lastCheckedAt'>, request: CheckRequest | null, now: number): CheckPhase {
  if (!request) return 'idle';
  if (domain.lastCheckedAt !== request.baseline) return 'done';
  return now - request.startedAt < CHECK_WINDOW_MS ? 'checking' : 'queued';
}

/** The refetch interval for one domain, or false to stop polling. */
export function pollInterval(domain: Pick<DomainView, 'status' | 'lastCheckedAt' | 'records'>, request: CheckRequest | null, now: number): number | false {
  if (checkPhase(domain, request, now) === 'checking') return FAST_POLL_MS;
  // A domain just added has its first check queued already.
  if (domain.records.some((r) => r.status === 'pending' && r.checkedAt === null)) return FAST_POLL_MS;
  if (domain.status !== 'verified' || domain.records.some((r) => r.status !== 'ok')) return SLOW_POLL_MS;
  return false;
}

// ---- Deleting ----

export interface DeletionImpact {
  addresses: number;
  aliases: number;
  catchAll: boolean;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** What stops receiving mail if the domain goes; empty when nothing does. */
export function deletionConsequences(impact: DeletionImpact, domainName: string): string[] {
  const items: string[] = [];
  if (impact.addresses > 0) items.push(plural(impact.addresses, 'address', 'addresses'));
  if (impact.aliases > 0) items.push(plural(impact.aliases, 'alias', 'aliases'));
  if (impact.catchAll) items.push(`the catch-all for @${domainName}`);
  return items;
}

export const needsDeleteConfirmation = (impact: DeletionImpact) => impact.addresses > 0 || impact.aliases > 0 || impact.catchAll;

/** The AppError code a tRPC error carries (see server/api/trpc.ts's errorFormatter), if any. */
export function appErrorCode(err: unknown): string | undefined {
  const data = (err as { data?: { appCode?: unknown } } | null)?.data;
  return typeof data?.appCode === 'string' ? data.appCode : undefined;
}
