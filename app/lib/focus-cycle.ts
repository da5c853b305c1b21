/**
 * Where Tab goes inside a modal: the next (or, with Shift, the previous) of `count` focusable
 * elements, wrapping at both ends, so focus never leaves the dialog. `current` is -1 when focus is
 * on none of them (the dialog itself, say): Tab then goes to the first, Shift+Tab to the last.
 */
export function nextFocusIndex(current: number, count: number, backwards: boolean): number {
  if (count <= 0) return -1;
  if (current < 0 || current >= count) return backwards ? count - 1 : 0;
  return (current + (backwards ? count - 1 : 1)) % count;
}

/** What counts as focusable inside a dialog; disabled and hidden controls are filtered by the caller. */
export const FOCUSABLE_SELECTOR = [
  'a[href]',
  'button:not([disabled])',
  'input:not([disabled]):not([type="hidden"])',
  'select:not([disabled])',
  'textarea:not([disabled])',
  '[tabindex]:not([tabindex="-1"])',
].join(',');
