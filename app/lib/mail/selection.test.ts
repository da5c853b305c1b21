import { describe, expect, it } from 'vitest';
import { EMPTY_SELECTION, selectionTarget, toggle } from './selection';

const order = ['a', 'b', 'c', 'd', 'e'];

describe('list selection', () => {
  it('toggles one row, and Shift-click selects the range from the last click', () => {
    let s = toggle(EMPTY_SELECTION, order, 'b', false);
    s = toggle(s, order, 'e', true);
    expect([...s.ids].sort()).toEqual(['b', 'c', 'd', 'e']);
    // A Shift-click that unchecks clears the range it spans.
    s = toggle(s, order, 'c', true);
    expect([...s.ids]).toEqual(['b']);
  });

  it('asks the server for the whole folder once "all in this folder" is chosen', () => {
    const s = { ...toggle(EMPTY_SELECTION, order, 'a', false), allInFolder: true };
    expect(selectionTarget(s, 'inbox')).toEqual({ folder: 'inbox' });
    expect(selectionTarget(toggle(EMPTY_SELECTION, order, 'a', false), 'inbox')).toEqual({ ids: ['a'] });
    expect(selectionTarget(EMPTY_SELECTION, 'inbox')).toBeNull();
  });
});
