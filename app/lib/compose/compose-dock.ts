import type { ComposeState } from './compose-model';

/**
 * The compose dock, as in Gmail and Proton: the messages being written sit side by side at the
 * bottom right, each expanded or minimised to its title bar, and none of them blocks the mailbox.
 * Opening a message never closes another (that would throw away what was typed): when there is no
 * room for one more expanded window, the oldest expanded one is minimised instead. Pure, so the
 * rules are unit-tested without a DOM.
 */
export interface DockedCompose {
  /** Stable for the window's life: React's key and the handle every action takes. */
  key: number;
  title: string;
  initial: ComposeState;
  minimised: boolean;
}

/** At most this many windows are expanded at once on a wide screen. */
export const MAX_EXPANDED = 3;

/** The width one expanded window takes (30rem) plus the gap beside it, in CSS pixels. */
const WINDOW_SLOT_PX = 496;

/** Below this width (Tailwind's `md`) the compose takes the whole screen, one at a time. */
export const PHONE_MAX_WIDTH_PX = 767;

/** How many windows fit expanded in a viewport `width` pixels wide: one on a phone, up to three. */
export function expandedRoom(width: number): number {
  if (width <= PHONE_MAX_WIDTH_PX) return 1;
  return Math.max(1, Math.min(MAX_EXPANDED, Math.floor(width / WINDOW_SLOT_PX)));
}

/** Minimises the oldest expanded windows until at most `room` are expanded. */
function fit(windows: DockedCompose[], room: number): DockedCompose[] {
  let excess = windows.filter((w) => !w.minimised).length - room;
  if (excess <= 0) return windows;
  return windows.map((w) => {
    if (excess > 0 && !w.minimised) {
      excess--;
      return { ...w, minimised: true };
    }
    return w;
  });
}

/** A new window, expanded, at the end of the list; older ones make room for it. */
export function openWindow(windows: DockedCompose[], entry: Omit<DockedCompose, 'minimised'>, room: number): DockedCompose[] {
  return fit([...windows, { ...entry, minimised: false }], room);
}

export function closeWindow(windows: DockedCompose[], key: number): DockedCompose[] {
  return windows.filter((w) => w.key !== key);
}

export function minimiseWindow(windows: DockedCompose[], key: number): DockedCompose[] {
  return windows.map((w) => (w.key === key ? { ...w, minimised: true } : w));
}

/** Expands one window; if that leaves too many expanded, the oldest other one is minimised. */
export function restoreWindow(windows: DockedCompose[], key: number, room: number): DockedCompose[] {
  const restored = windows.map((w) => (w.key === key ? { ...w, minimised: false } : w));
  const others = fit(
    restored.filter((w) => w.key !== key),
    Math.max(0, room - 1),
  );
  return restored.map((w) => (w.key === key ? w : others.find((o) => o.key === w.key)!));
}

/** After the viewport changes size (a phone turned, a window resized). */
export function fitToRoom(windows: DockedCompose[], room: number): DockedCompose[] {
  // The newest expanded windows stay open: fit() minimises from the oldest.
  return fit(windows, room);
}
