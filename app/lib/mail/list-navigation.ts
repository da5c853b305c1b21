/**
 * Keyboard movement in the message list: j/k (as in most mail clients) and the arrow keys move
 * one row, Home/End jump to the ends. Returns the row to focus, or null for keys it leaves alone.
 */
export function nextRowIndex(key: string, current: number, count: number): number | null {
  if (count === 0) return null;
  const last = count - 1;
  // -1 means no row has focus yet: the first move lands on the first row.
  const from = Math.min(Math.max(current, -1), last);
  switch (key) {
    case 'j':
    case 'ArrowDown':
      return from < 0 ? 0 : Math.min(from + 1, last);
    case 'k':
    case 'ArrowUp':
      return from < 0 ? 0 : Math.max(from - 1, 0);
    case 'Home':
      return 0;
    case 'End':
      return last;
    default:
      return null;
  }
}

/** Keys typed into a text field, or with a modifier held, belong to someone else. */
export function isNavigationTarget(event: { altKey: boolean; ctrlKey: boolean; metaKey: boolean; target: unknown }): boolean {
  if (event.altKey || event.ctrlKey || event.metaKey) return false;
  const target = event.target as { tagName?: string; isContentEditable?: boolean } | null;
  const tag = target?.tagName?.toLowerCase();
  return !(tag === 'input' || tag === 'textarea' || tag === 'select' || target?.isContentEditable);
}
