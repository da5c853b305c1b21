import { describe, expect, it } from 'vitest';
import { type MessageSummary, SUMMARY_LIMITS, messageSummary, parseSummaryBytes } from './summary';

const summary: MessageSummary = {
  v: 1,
  from: [{ name: 'Alice Example', address: 'alice@example.com' }],
  to: [{ name: '', address: 'bob@localhost' }],
  cc: [],
  subject: 'Hello',
  date: '2026-11-21T09:00:00.000Z',
  snippet: 'Hello there',
  attachments: [{ filename: 'menu.txt', size: 4, contentType: 'text/plain' }],
  auth: { spf: 'pass', dkim: 'pass', dmarc: 'fail', arc: 'none' },
  messageId: '<hello@example.com>',
  references: ['<root@example.com>'],
  parsed: true,
};
const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const read = (value: unknown) => parseSummaryBytes(bytes(value));

describe('the message summary schema', () => {
  it('reads back a well-formed summary unchanged', () => {
    expect(read(summary)).toEqual({ ok: true, summary });
    expect(read({ ...summary, subject: null, date: null, messageId: null, attachments: [{ ...summary.attachments[0], filename: null }] })).toMatchObject({
      ok: true,
    });
  });

  it('reads a summary written before references existed as answering nothing', () => {
    const { references: _, ...older } = summary;
    expect(read(older)).toEqual({ ok: true, summary: { ...summary, references: [] } });
    expect(read({ ...summary, references: 'not a list' })).toEqual({ ok: true, summary: { ...summary, references: [] } });
  });

  it('refuses what is not a v1 summary: not UTF-8, not JSON, not an object, another version', () => {
    expect(parseSummaryBytes(new Uint8Array([0xff, 0xfe]))).toEqual({ ok: false });
    expect(parseSummaryBytes(new TextEncoder().encode('{"v":1,'))).toEqual({ ok: false });
    expect(read([summary])).toEqual({ ok: false });
    expect(read(null)).toEqual({ ok: false });
    expect(read({ ...summary, v: 2 })).toEqual({ ok: false });
  });

  it('refuses a field that is missing or of the wrong type', () => {
    const { parsed: _, ...withoutParsed } = summary;
    expect(read(withoutParsed)).toEqual({ ok: false });
    expect(read({ ...summary, subject: 42 })).toEqual({ ok: false });
    expect(read({ ...summary, from: 'alice@example.com' })).toEqual({ ok: false });
    expect(read({ ...summary, to: [{ name: 'Bob' }] })).toEqual({ ok: false });
    expect(read({ ...summary, attachments: [{ filename: 'x', size: -1, contentType: 'text/plain' }] })).toEqual({ ok: false });
    expect(read({ ...summary, parsed: 'yes' })).toEqual({ ok: false });
  });

  it('brings a hostile but well-formed summary within what a row shows', () => {
    const long = 'x'.repeat(5000);
    const result = read({
      ...summary,
      extra: 'dropped',
      from: [
        { name: long, address: 'a@example.com' },
        { name: '', address: '' },
      ],
      to: Array.from({ length: 150 }, (_, i) => ({ name: '', address: `r${i}@example.com` })),
      subject: long,
      date: 'yesterday',
      snippet: '😀'.repeat(300),
      attachments: [{ filename: long, size: 1, contentType: '' }],
      auth: { spf: 'pass; dkim=pass', dkim: 'PASS', dmarc: 7, arc: 'none' },
      messageId: long,
    });
    if (!result.ok) throw new Error('expected a summary');
    const shown = result.summary;
    expect(shown).not.toHaveProperty('extra');
    expect(shown.from).toEqual([{ name: 'x'.repeat(SUMMARY_LIMITS.text), address: 'a@example.com' }]);
    expect(shown.to).toHaveLength(SUMMARY_LIMITS.list);
    expect(shown.subject).toHaveLength(SUMMARY_LIMITS.text);
    expect(shown.messageId).toHaveLength(SUMMARY_LIMITS.text);
    expect(shown.date).toBeNull();
    expect(Array.from(shown.snippet)).toHaveLength(SUMMARY_LIMITS.snippet);
    expect(shown.snippet).not.toMatch(/[\uD800-\uDBFF]$/);
    expect(shown.attachments).toEqual([{ filename: 'x'.repeat(SUMMARY_LIMITS.attachmentText), size: 1, contentType: 'application/octet-stream' }]);
    expect(shown.auth).toEqual({ spf: 'none', dkim: 'none', dmarc: 'none', arc: 'none' });
  });

  it('reads an unreadable or out-of-range date, and a missing auth block, as unknown', () => {
    // Date#toISOString gives six-digit years past 9999; they are not ISO 8601 dates a list can show.
    expect(messageSummary.parse({ ...summary, date: new Date('+010000-01-01T00:00:00Z').toISOString() }).date).toBeNull();
    expect(messageSummary.parse({ ...summary, date: '2026-11-21T10:00:00+01:00' }).date).toBe('2026-11-21T10:00:00+01:00');
    const { auth: _, ...withoutAuth } = summary;
    expect(messageSummary.parse(withoutAuth).auth).toEqual({ spf: 'none', dkim: 'none', dmarc: 'none', arc: 'none' });
  });

  it('keeps a filter verdict, and reads a malformed one as none rather than spoiling the summary', () => {
    const filter = { score: 7.5, symbols: ['GTUBE'], virus: null, spamBy: ['rspamd'] };
    expect(messageSummary.parse({ ...summary, filter }).filter).toEqual(filter);
    expect(messageSummary.parse(summary).filter).toBeUndefined();
    const bad = messageSummary.parse({ ...summary, filter: { score: 'high', symbols: 'x' } });
    expect(bad.filter).toBeUndefined();
    expect(bad.subject).toBe('Hello');
  });
});
