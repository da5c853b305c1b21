import { describe, expect, it } from 'vitest';
import {
  CHECK_WINDOW_MS,
  type DomainView,
  FAST_POLL_MS,
  type RecordView,
  SLOW_POLL_MS,
  appErrorCode,
  checkPhase,
  deletionConsequences,
  domainTitle,
  driftedRecords,
  foundText,
  hostDisplay,
  needsDeleteConfirmation,
  pollInterval,
  recordStatus,
  zoneFileHref,
} from './domain-view';

const record = (over: Partial<RecordView> = {}): RecordView => ({
  kind: 'ownership',
  type: 'TXT',
  host: '@',
  fqdn: 'example.com',
  value: 'sealpost-verify=abc',
  priority: null,
  status: 'missing',
  found: null,
  checkedAt: '2026-11-21T10:00:00.000Z',
  ...over,
});

const domain = (over: Partial<DomainView> = {}): DomainView => ({
  id: '6f1c1c9e-9a0e-4a53-9d55-2d1c8f5e2a11',
  name: 'example.com',
  unicodeName: 'example.com',
  status: 'pending',
  lastCheckedAt: '2026-11-21T10:00:00.000Z',
  drift: false,
  records: [record(), record({ kind: 'mx', type: 'MX', value: 'mx.example.net', priority: 10 })],
  ...over,
});

describe('record status', () => {
  it('labels each status with words, not only a colour', () => {
    expect(recordStatus(record({ status: 'ok' }))).toMatchObject({ label: 'OK', tone: 'success' });
    expect(recordStatus(record({ status: 'missing' }))).toMatchObject({ label: 'Missing', tone: 'warning' });
    expect(recordStatus(record({ status: 'mismatch' }))).toMatchObject({ label: 'Mismatch', tone: 'danger' });
  });

  it('tells a record never checked from one whose lookup timed out', () => {
    expect(recordStatus(record({ status: 'pending', checkedAt: null })).label).toBe('Not checked yet');
    expect(recordStatus(record({ status: 'pending' })).label).toBe('No answer');
  });

  it('shows what DNS returned only for a mismatch', () => {
    expect(foundText(record({ status: 'mismatch', found: 'v=DKIM1; p=OTHER' }))).toBe('Found: v=DKIM1; p=OTHER');
    expect(foundText(record({ status: 'missing', found: null }))).toBeNull();
    expect(foundText(record({ status: 'ok', found: 'sealpost-verify=abc' }))).toBeNull();
  });
});

describe('names', () => {
  it('shows the relative host and the full name, explaining the apex', () => {
    expect(hostDisplay(record())).toEqual({ name: '@', full: 'example.com (the domain itself)' });
    expect(hostDisplay(record({ host: '_dmarc', fqdn: '_dmarc.example.com' }))).toEqual({ name: '_dmarc', full: '_dmarc.example.com' });
  });

  it('shows an IDN domain in Unicode with its punycode', () => {
    expect(domainTitle({ name: 'xn--bcher-kva.example', unicodeName: 'bücher.example' })).toBe('bücher.example (xn--bcher-kva.example)');
    expect(domainTitle({ name: 'example.com', unicodeName: 'example.com' })).toBe('example.com');
  });

  it('links the zone file of a domain', () => {
    expect(zoneFileHref('abc-1')).toBe('/api/domains/abc-1/zone');
  });
});

describe('drift', () => {
  it('lists the checked records that no longer match on a drifted domain', () => {
    const drifted = domain({
      status: 'verified',
      drift: true,
      records: [record({ status: 'ok' }), record({ kind: 'dkim', status: 'mismatch' }), record({ kind: 'spf', status: 'missing' })],
    });
    expect(driftedRecords(drifted)).toEqual(['dkim', 'spf']);
    expect(driftedRecords({ ...drifted, drift: false })).toEqual([]);
  });
});

describe('checking and polling', () => {
  const started = 1_000_000;
  const request = { startedAt: started, baseline: '2026-11-21T10:00:00.000Z' };

  it('is checking until the last check changes, then done', () => {
    expect(checkPhase(domain(), null, started)).toBe('idle');
    expect(checkPhase(domain(), request, started + 1_000)).toBe('checking');
    expect(checkPhase(domain({ lastCheckedAt: '2026-11-21T10:00:03.000Z' }), request, started + 3_000)).toBe('done');
  });

  it('treats the first check of a new domain as a result too', () => {
    expect(checkPhase(domain({ lastCheckedAt: '2026-11-21T10:00:01.000Z' }), { startedAt: started, baseline: null }, started + 500)).toBe('done');
  });

  it('says the check is still queued when nothing reported within the window', () => {
    expect(checkPhase(domain(), request, started + CHECK_WINDOW_MS - 1)).toBe('checking');
    expect(checkPhase(domain(), request, started + CHECK_WINDOW_MS)).toBe('queued');
  });

  it('polls fast while a check runs, and stops fast polling when it reports or the window ends', () => {
    expect(pollInterval(domain(), request, started + 1)).toBe(FAST_POLL_MS);
    expect(pollInterval(domain({ lastCheckedAt: '2026-11-21T10:00:03.000Z' }), request, started + 3_000)).toBe(SLOW_POLL_MS);
    expect(pollInterval(domain(), request, started + CHECK_WINDOW_MS)).toBe(SLOW_POLL_MS);
  });

  it('polls fast for a new domain whose first check is queued', () => {
    expect(pollInterval(domain({ lastCheckedAt: null, records: [record({ status: 'pending', checkedAt: null })] }), null, started)).toBe(FAST_POLL_MS);
  });

  it('polls slowly while records are missing, and not at all once everything is OK', () => {
    expect(pollInterval(domain(), null, started)).toBe(SLOW_POLL_MS);
    const verified = domain({ status: 'verified', records: [record({ status: 'ok' })] });
    expect(pollInterval(verified, null, started)).toBe(false);
    expect(pollInterval({ ...verified, records: [record({ status: 'mismatch' })] }, null, started)).toBe(SLOW_POLL_MS);
  });
});

describe('deleting', () => {
  it('lists what stops working, in words', () => {
    expect(deletionConsequences({ addresses: 2, aliases: 1, catchAll: true }, 'example.com')).toEqual([
      '2 addresses',
      '1 alias',
      'the catch-all for @example.com',
    ]);
    expect(deletionConsequences({ addresses: 1, aliases: 3, catchAll: false }, 'example.com')).toEqual(['1 address', '3 aliases']);
  });

  it('asks first only when something would stop working', () => {
    expect(needsDeleteConfirmation({ addresses: 0, aliases: 0, catchAll: false })).toBe(false);
    expect(needsDeleteConfirmation({ addresses: 0, aliases: 1, catchAll: false })).toBe(true);
    expect(needsDeleteConfirmation({ addresses: 0, aliases: 0, catchAll: true })).toBe(true);
  });

  it("reads the AppError code from a tRPC error's data", () => {
    expect(appErrorCode({ data: { appCode: 'CONFIRMATION_REQUIRED' } })).toBe('CONFIRMATION_REQUIRED');
    expect(appErrorCode(new Error('network'))).toBeUndefined();
    expect(appErrorCode(null)).toBeUndefined();
  });
});
