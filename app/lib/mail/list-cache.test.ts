import { describe, expect, it } from 'vitest';
import { neighbourOf, withSeen, without } from './list-cache';

const data = {
  pageParams: [null, 'c1'],
  pages: [
    {
      items: [
        { id: 'a', seen: false },
        { id: 'b', seen: false },
      ],
      nextCursor: 'c1',
    },
    { items: [{ id: 'c', seen: true }], nextCursor: null },
  ],
};

describe('list cache edits', () => {
  it('marks the given rows on every page and leaves the rest alone', () => {
    const next = withSeen(data, ['b', 'c'], true)!;
    expect(next.pages.flatMap((p) => p.items)).toEqual([
      { id: 'a', seen: false },
      { id: 'b', seen: true },
      { id: 'c', seen: true },
    ]);
    expect(next.pageParams).toBe(data.pageParams);
    expect(data.pages[0]!.items[1]!.seen).toBe(false);
  });

  it('removes rows, keeping page boundaries and cursors', () => {
    const next = without(data, ['a'])!;
    expect(next.pages.map((p) => p.items.map((m) => m.id))).toEqual([['b'], ['c']]);
    expect(next.pages[0]!.nextCursor).toBe('c1');
    expect(without(undefined, ['a'])).toBeUndefined();
  });

  it('finds the row to show after one is removed', () => {
    const items = data.pages.flatMap((p) => p.items);
    expect(neighbourOf(items, 'a')?.id).toBe('b');
    expect(neighbourOf(items, 'c')?.id).toBe('b');
    expect(neighbourOf([{ id: 'x' }], 'x')).toBeNull();
    expect(neighbourOf(items, 'zz')).toBeNull();
  });
});
