import { describe, expect, it } from 'vitest';
import { formatBytes, parseLimit, usagePercent } from './format';

describe('admin console formatting', () => {
  it('formats bytes in binary units', () => {
    expect([formatBytes(0), formatBytes(1536), formatBytes(5 * 1024 * 1024), formatBytes(null)]).toEqual(['0 B', '1.5 KB', '5.0 MB', '—']);
  });

  it('caps usage at 100% and has none without a quota', () => {
    expect([usagePercent(50, 200), usagePercent(500, 200), usagePercent(5, null)]).toEqual([25, 100, null]);
  });

  it('reads an empty limit as the default and refuses what is not a whole number', () => {
    expect(parseLimit(' ')).toEqual({ ok: true, value: null });
    expect(parseLimit('40')).toEqual({ ok: true, value: 40 });
    expect(parseLimit('-3').ok).toBe(false);
    expect(parseLimit('1.5').ok).toBe(false);
  });
});
