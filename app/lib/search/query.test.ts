import { describe, expect, it } from 'vitest';
import { isEmptyQuery, parseDate, parseQuery } from './query';

describe('parseQuery', () => {
  it('reads operators, phrases and words together', () => {
    const q = parseQuery(
      'from:Ann to:"bob smith" subject:lunch filename:report.pdf has:attachment before:2026-12-01 after:2026/11 in:inbox is:unread "big  News" quarterly resul',
    );
    expect(q).toMatchObject({
      from: ['ann'],
      to: ['bob smith'],
      subject: ['lunch'],
      filename: ['report.pdf'],
      hasAttachment: true,
      before: Date.UTC(2026, 11, 1),
      after: Date.UTC(2026, 10, 1),
      folder: 'inbox',
      unread: true,
      phrases: ['big news'],
      words: ['quarterly', 'resul'],
      problems: [],
    });
  });

  it('says which parts it did not understand, and treats unknown prefixes as words', () => {
    const q = parseQuery('before:yesterday has:pictures is:starred http://x.example');
    expect(q.problems).toEqual(['before:yesterday (use a date like 2026-11-30)', 'has:pictures (try has:attachment)', 'is:starred (try is:unread)']);
    expect(q.words).toEqual(['http://x.example']);
    expect(isEmptyQuery(parseQuery('before:yesterday'))).toBe(true);
    expect(isEmptyQuery(parseQuery('  '))).toBe(true);
    expect(isEmptyQuery(parseQuery('x'))).toBe(false);
  });

  it('reads an unterminated quote as a phrase to the end', () => {
    expect(parseQuery('"half a phrase').phrases).toEqual(['half a phrase']);
    expect(parseDate('2026-13-01')).toBeNull();
    expect(parseDate('nope')).toBeNull();
  });
});
