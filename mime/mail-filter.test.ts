import { describe, expect, it } from 'vitest';
import { testSummary } from '../testing/mail';
import { applyFilters, type FilterRule } from './mail-filter';

const rule = (r: Partial<FilterRule>): FilterRule => ({ field: 'from', contains: '', action: 'mark_read', folder: null, ...r });

describe('applyFilters', () => {
  const summary = testSummary({
    from: [{ name: 'Weekly News', address: 'news@shop.example' }],
    to: [{ name: '', address: 'bob@localhost' }],
    cc: [{ name: 'Carol', address: 'carol@team.example' }],
    subject: 'Your Invoice 42',
  });

  it('matches from, to/cc and subject case-insensitively, and has_attachment on attachments', () => {
    expect(applyFilters([rule({ field: 'from', contains: 'SHOP.example' })], summary).seen).toBe(true);
    expect(applyFilters([rule({ field: 'from', contains: 'weekly' })], summary).seen).toBe(true);
    expect(applyFilters([rule({ field: 'to', contains: 'carol@' })], summary).seen).toBe(true);
    expect(applyFilters([rule({ field: 'subject', contains: 'invoice' })], summary).seen).toBe(true);
    expect(applyFilters([rule({ field: 'subject', contains: 'receipt' })], summary).seen).toBe(false);
    expect(applyFilters([rule({ field: 'has_attachment' })], summary).seen).toBe(false);
    const withFile = { ...summary, attachments: [{ filename: 'a.pdf', size: 3, contentType: 'application/pdf' }] };
    expect(applyFilters([rule({ field: 'has_attachment' })], withFile).seen).toBe(true);
  });

  it('an empty text matches nothing; every matching rule applies, the first move decides, discard wins', () => {
    expect(applyFilters([rule({ field: 'subject', contains: '   ' })], summary)).toEqual({ discard: false, seen: false });
    expect(
      applyFilters(
        [
          rule({ field: 'subject', contains: 'invoice', action: 'move', folder: 'trash' }),
          rule({ field: 'from', contains: 'news', action: 'move', folder: 'spam' }),
          rule({ field: 'from', contains: 'news', action: 'mark_read' }),
        ],
        summary,
      ),
    ).toEqual({ discard: false, seen: true, folder: 'trash' });
    expect(applyFilters([rule({ field: 'from', contains: 'news', action: 'discard' })], summary).discard).toBe(true);
  });

  it('labels add up, each once, alongside a move', () => {
    const label = (id: string, contains = 'news') => rule({ field: 'from', contains, action: 'label', label: id });
    expect(
      applyFilters(
        [label('a'), rule({ field: 'subject', contains: 'invoice', action: 'move', folder: 'spam' }), label('b'), label('a'), label('c', 'nobody')],
        summary,
      ),
    ).toEqual({ discard: false, seen: false, folder: 'spam', labels: ['a', 'b'] });
  });
});
