import { describe, expect, it } from 'vitest';
import { nextFocusIndex } from './focus-cycle';

describe('nextFocusIndex', () => {
  it('moves forward and wraps from the last to the first', () => {
    expect(nextFocusIndex(0, 3, false)).toBe(1);
    expect(nextFocusIndex(2, 3, false)).toBe(0);
  });

  it('moves backward and wraps from the first to the last', () => {
    expect(nextFocusIndex(1, 3, true)).toBe(0);
    expect(nextFocusIndex(0, 3, true)).toBe(2);
  });

  it('enters at the first or last element when focus is on none of them', () => {
    expect(nextFocusIndex(-1, 3, false)).toBe(0);
    expect(nextFocusIndex(-1, 3, true)).toBe(2);
  });

  it('has nowhere to go without focusable elements', () => {
    expect(nextFocusIndex(-1, 0, false)).toBe(-1);
  });
});
