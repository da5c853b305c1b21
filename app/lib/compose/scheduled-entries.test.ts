import { describe, expect, it } from 'vitest';
import { type OutboundEntry, type ScheduledInternalEntry, scheduledEntries } from './scheduled-entries';

const outbound = (id: string, status: OutboundEntry['status'], sendAt: string, to: string[]): OutboundEntry => ({
  id,
  from: 'me@localhost',
  status,
  sendAt,
  createdAt: '2026-11-21T10:00:00.000Z',
  finishedAt: null,
  nextAttemptAt: sendAt,
  attempts: 0,
  size: 100,
  cancellable: status === 'scheduled',
  recipients: to.map((address) => ({ address, status: 'queued' as const, attempts: 0, lastReply: null, nextAttemptAt: sendAt })),
});

const internal = (
  id: string,
  status: ScheduledInternalEntry['status'],
  sendAt: string,
  recipients: string[],
  outboundIds: string[] = [],
): ScheduledInternalEntry => ({
  id,
  from: 'me@localhost',
  status,
  sendAt,
  createdAt: '2026-11-21T10:00:00.000Z',
  finishedAt: null,
  summary: null,
  recipients,
  outboundIds,
  cancellable: status === 'scheduled',
});

describe('scheduledEntries', () => {
  it('lists what can still be cancelled of both kinds, soonest first', () => {
    const entries = scheduledEntries(
      [
        outbound('o1', 'scheduled', '2026-12-02T09:00:00.000Z', ['a@example.org', 'b@example.org']),
        outbound('o2', 'delivered', '2026-11-20T09:00:00.000Z', ['c@example.org']),
      ],
      [
        internal('i1', 'scheduled', '2026-12-01T09:00:00.000Z', ['bob@localhost', 'carol@localhost']),
        internal('i2', 'cancelled', '2026-11-30T09:00:00.000Z', []),
      ],
    );
    expect(entries).toEqual([
      {
        key: 'internal:i1',
        kind: 'internal',
        id: 'i1',
        from: 'me@localhost',
        sendAt: '2026-12-01T09:00:00.000Z',
        to: 'bob@localhost, carol@localhost',
        summary: null,
      },
      {
        key: 'outbound:o1',
        kind: 'outbound',
        id: 'o1',
        from: 'me@localhost',
        sendAt: '2026-12-02T09:00:00.000Z',
        to: 'a@example.org, b@example.org',
        summary: null,
      },
    ]);
  });

  it('keeps an outbound message and a send that share an id apart, each with its own key', () => {
    const at = '2026-12-01T09:00:00.000Z';
    const entries = scheduledEntries([outbound('same', 'scheduled', at, ['x@example.org'])], [internal('same', 'scheduled', at, ['bob@localhost'])]);
    expect(entries.map((e) => e.key)).toEqual(['internal:same', 'outbound:same']);
  });

  it('shows a send with its parts for elsewhere as one entry, cancelled as one', () => {
    const at = '2026-12-01T09:00:00.000Z';
    const entries = scheduledEntries(
      [outbound('o1', 'scheduled', at, ['x@example.org']), outbound('o2', 'scheduled', at, ['kim@example.net'])],
      [internal('s1', 'scheduled', at, ['bob@localhost'], ['o1', 'o2']), internal('s2', 'scheduled', at, [], ['o3'])],
    );
    expect(entries).toEqual([
      { key: 'internal:s1', kind: 'internal', id: 's1', from: 'me@localhost', sendAt: at, to: 'bob@localhost, x@example.org, kim@example.net', summary: null },
      { key: 'internal:s2', kind: 'internal', id: 's2', from: 'me@localhost', sendAt: at, to: '', summary: null },
    ]);
  });
});

describe('scheduledEntries subjects', () => {
  it("passes on a send's encrypted Sent summary, so its row can show the subject", () => {
    const at = '2026-12-01T09:00:00.000Z';
    const [entry] = scheduledEntries([], [{ ...internal('s1', 'scheduled', at, ['bob@localhost']), summary: 'c2VhbGVk' }]);
    expect(entry?.summary).toBe('c2VhbGVk');
  });
});
