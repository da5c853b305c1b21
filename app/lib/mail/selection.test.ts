import { describe, expect, it } from 'vitest';
import { conversationTarget } from '../conversations/conversation-rows';
import { EMPTY_SELECTION, selectionTarget, toggle } from './selection';
import type { Selection } from './use-organize';

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
    const messages: { target: (ids: string[]) => Selection; all: Selection } = { target: (ids) => ({ ids }), all: { folder: 'inbox' } };
    const s = { ...toggle(EMPTY_SELECTION, order, 'a', false), allInFolder: true };
    expect(selectionTarget(s, messages)).toEqual({ folder: 'inbox' });
    expect(selectionTarget(toggle(EMPTY_SELECTION, order, 'a', false), messages)).toEqual({ ids: ['a'] });
    expect(selectionTarget(EMPTY_SELECTION, messages)).toBeNull();
  });

  it('in conversation view, names whole conversations by key and unplaced messages by id, in one request', () => {
    const key = 'k'.repeat(43);
    const id = '0b5e6f6c-2f43-4c3e-9d7e-2b8f3c1a9e11';
    const conversations = { target: (ids: string[]) => conversationTarget(ids, 'inbox'), all: { conversationsIn: 'inbox' } };
    const s = toggle(toggle(EMPTY_SELECTION, [key, id], key, false), [key, id], id, true);
    expect(selectionTarget(s, conversations)).toEqual({ conversations: [key], ids: [id], in: 'inbox' });
    expect(selectionTarget({ ...s, allInFolder: true }, conversations)).toEqual({ conversationsIn: 'inbox' });
  });
});
