import { describe, expect, it } from 'vitest';
import { formatFullDate, formatListDate, formatSize } from './format';

describe('formatListDate', () => {
  const now = new Date(2026, 10, 21, 15, 30);

  it('shows the time for mail from today', () => {
    expect(formatListDate(new Date(2026, 10, 21, 9, 5).toISOString(), now, 'en-GB')).toBe('09:05');
  });

  it('shows day and month for earlier this year, and a short date before that', () => {
    expect(formatListDate(new Date(2026, 10, 20, 23, 59).toISOString(), now, 'en-GB')).toBe('20 Nov');
    expect(formatListDate(new Date(2025, 0, 2, 12, 0).toISOString(), now, 'en-GB')).toBe('02/01/2025');
  });

  it('shows nothing for a date that does not parse', () => {
    expect(formatListDate('yesterday-ish', now)).toBe('');
  });
});

describe('formatFullDate', () => {
  it('formats a parsed date and passes an unparsed header through', () => {
    expect(formatFullDate(new Date(2026, 10, 21, 9, 5).toISOString(), 'en-GB')).toBe('21 Nov 2026, 09:05');
    expect(formatFullDate('Someday, maybe')).toBe('Someday, maybe');
    expect(formatFullDate(null)).toBeNull();
  });
});

describe('formatSize', () => {
  it('picks a unit and rounds', () => {
    expect(formatSize(0)).toBe('0 bytes');
    expect(formatSize(1536)).toBe('1.5 KB');
    expect(formatSize(250 * 1024)).toBe('250 KB');
    expect(formatSize(25 * 1024 * 1024)).toBe('25 MB');
  });
});
