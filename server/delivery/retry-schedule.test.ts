import { describe, expect, it } from 'vitest';
import { expiryFrom, nextAttemptAt, retryDelayMs } from './retry-schedule';

const MIN = 60 * 1000;
const HOUR = 60 * MIN;

describe('outbound retry schedule', () => {
  it('doubles from 5 minutes and settles at 4 hours', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 50].map((n) => retryDelayMs(n) / MIN)).toEqual([5, 10, 20, 40, 80, 160, 240, 240, 240]);
  });

  it('lists every try of a recipient that is deferred for good, and stops inside 5 days', () => {
    const start = new Date('2026-11-22T00:00:00Z');
    const expires = expiryFrom(start);
    const tries = [start];
    for (let attempts = 1; ; attempts++) {
      const next = nextAttemptAt(tries.at(-1)!, attempts, expires);
      if (!next) break;
      tries.push(next);
    }
    const offsets = tries.map((t) => (t.getTime() - start.getTime()) / MIN);
    expect(offsets.slice(0, 8)).toEqual([0, 5, 15, 35, 75, 155, 315, 555]);
    expect(tries).toHaveLength(35);
    // The last try is the last 4-hour step that still fits in 120 hours.
    expect(offsets.at(-1)! / 60).toBeCloseTo(117.25, 5);
    expect(tries.at(-1)!.getTime()).toBeLessThanOrEqual(expires.getTime());
    expect(expires.getTime() - start.getTime()).toBe(120 * HOUR);
  });

  it('gives no next try once the window has closed', () => {
    const now = new Date('2026-11-27T00:00:00Z');
    expect(nextAttemptAt(now, 20, new Date(now.getTime() + HOUR))).toBeNull();
    expect(nextAttemptAt(now, 1, new Date(now.getTime() + HOUR))).toEqual(new Date(now.getTime() + 5 * MIN));
  });
});
