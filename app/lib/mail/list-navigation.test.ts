import { describe, expect, it } from 'vitest';
import { isNavigationTarget, nextRowIndex } from './list-navigation';

describe('nextRowIndex', () => {
  it('moves down with j and ArrowDown, up with k and ArrowUp, and stops at the ends', () => {
    expect(nextRowIndex('j', 0, 3)).toBe(1);
    expect(nextRowIndex('ArrowDown', 2, 3)).toBe(2);
    expect(nextRowIndex('k', 2, 3)).toBe(1);
    expect(nextRowIndex('ArrowUp', 0, 3)).toBe(0);
  });

  it('starts at the first row when nothing is focused, and jumps with Home and End', () => {
    expect(nextRowIndex('j', -1, 3)).toBe(0);
    expect(nextRowIndex('k', -1, 3)).toBe(0);
    expect(nextRowIndex('End', 0, 3)).toBe(2);
    expect(nextRowIndex('Home', 2, 3)).toBe(0);
  });

  it('ignores other keys and empty lists', () => {
    expect(nextRowIndex('x', 1, 3)).toBeNull();
    expect(nextRowIndex('Enter', 1, 3)).toBeNull();
    expect(nextRowIndex('j', 0, 0)).toBeNull();
  });
});

describe('isNavigationTarget', () => {
  const key = { altKey: false, ctrlKey: false, metaKey: false };
  it('leaves text fields and modified keys alone', () => {
    expect(isNavigationTarget({ ...key, target: { tagName: 'BUTTON' } })).toBe(true);
    expect(isNavigationTarget({ ...key, target: { tagName: 'INPUT' } })).toBe(false);
    expect(isNavigationTarget({ ...key, target: { tagName: 'DIV', isContentEditable: true } })).toBe(false);
    expect(isNavigationTarget({ ...key, ctrlKey: true, target: { tagName: 'BUTTON' } })).toBe(false);
  });
});
