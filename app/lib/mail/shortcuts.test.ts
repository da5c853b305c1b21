import { describe, expect, it } from 'vitest';
import { SHORTCUTS, readShortcut } from './shortcuts';

describe('readShortcut', () => {
  it("maps Gmail's single keys, Shift+I/U included", () => {
    const keys = ['c', 'r', 'a', 'f', 'e', '#', 's', '!', '/', 'x', 'u', 'l', 'v', 'z', 'I', 'U', '?'];
    expect(keys.map((k) => readShortcut(k, false).command)).toEqual([
      'compose',
      'reply',
      'reply-all',
      'forward',
      'archive',
      'delete',
      'star',
      'spam',
      'search',
      'select',
      'back',
      'label',
      'move',
      'undo',
      'mark-read',
      'mark-unread',
      'help',
    ]);
    expect(readShortcut('q', false)).toEqual({ command: null, pendingG: false });
  });

  it('reads g then i/s/d/t as a sequence, and s alone as star', () => {
    expect(readShortcut('g', false)).toEqual({ command: null, pendingG: true });
    expect(readShortcut('i', true).command).toBe('go-inbox');
    expect(readShortcut('s', true).command).toBe('go-sent');
    expect(readShortcut('d', true).command).toBe('go-drafts');
    expect(readShortcut('t', true).command).toBe('go-starred-or-trash');
    expect(readShortcut('s', false).command).toBe('star');
    // A key that completes no sequence is read on its own.
    expect(readShortcut('e', true)).toEqual({ command: 'archive', pendingG: false });
  });

  it('lists every command the keys can run in the help table', () => {
    const listed = new Set(SHORTCUTS.map((s) => s.command));
    for (const key of ['c', 'r', 'a', 'f', 'e', '#', 's', '!', '/', 'x', 'u', 'l', 'v', 'z', 'I', 'U', '?'])
      expect(listed.has(readShortcut(key, false).command!)).toBe(true);
  });
});
