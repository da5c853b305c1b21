/**
 * Optimistic edits of the cached message list (tanstack's infinite data: one entry per page), so
 * read/unread and delete show at once; the server's answer then replaces them on refetch.
 */
interface Page<Item> {
  items: Item[];
}

interface Pages<Item> {
  pages: Page<Item>[];
}

export function withSeen<Item extends { id: string; seen: boolean }, P extends Pages<Item>>(data: P | undefined, ids: string[], seen: boolean): P | undefined {
  if (!data) return data;
  const wanted = new Set(ids);
  return { ...data, pages: data.pages.map((page) => ({ ...page, items: page.items.map((m) => (wanted.has(m.id) ? { ...m, seen } : m)) })) };
}

export function without<Item extends { id: string }, P extends Pages<Item>>(data: P | undefined, ids: string[]): P | undefined {
  if (!data) return data;
  const gone = new Set(ids);
  return { ...data, pages: data.pages.map((page) => ({ ...page, items: page.items.filter((m) => !gone.has(m.id)) })) };
}

/** The row after `id` in list order, else the one before: what to show once `id` is gone. */
export function neighbourOf<Item extends { id: string }>(items: Item[], id: string): Item | null {
  const index = items.findIndex((m) => m.id === id);
  if (index < 0) return null;
  return items[index + 1] ?? items[index - 1] ?? null;
}
