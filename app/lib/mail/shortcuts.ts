/**
 * Gmail's keyboard shortcuts, as a pure key → command map, so the mailbox's one listener stays small
 * and the table the `?` dialog shows is the one that runs. Two-key sequences (`g i`) are read
 * with `readShortcut`, which carries the pending `g` between key presses.
 */
export type ShortcutCommand =
  | 'compose'
  | 'reply'
  | 'reply-all'
  | 'forward'
  | 'archive'
  | 'delete'
  | 'star'
  | 'spam'
  | 'search'
  | 'select'
  | 'back'
  | 'label'
  | 'move'
  | 'undo'
  | 'mark-read'
  | 'mark-unread'
  | 'help'
  | 'go-inbox'
  | 'go-sent'
  | 'go-drafts'
  | 'go-starred-or-trash';

export const SHORTCUTS: { keys: string; command: ShortcutCommand; what: string }[] = [
  { keys: 'c', command: 'compose', what: 'New message' },
  { keys: 'r', command: 'reply', what: 'Reply' },
  { keys: 'a', command: 'reply-all', what: 'Reply all' },
  { keys: 'f', command: 'forward', what: 'Forward' },
  { keys: 'e', command: 'archive', what: 'Archive' },
  { keys: '#', command: 'delete', what: 'Delete (move to Trash)' },
  { keys: 's', command: 'star', what: 'Star or unstar' },
  { keys: '!', command: 'spam', what: 'Report spam' },
  { keys: '/', command: 'search', what: 'Search' },
  { keys: 'j / k', command: 'select', what: 'Next / previous message' },
  { keys: 'x', command: 'select', what: 'Select the message' },
  { keys: 'u', command: 'back', what: 'Back to the list' },
  { keys: 'l', command: 'label', what: 'Label' },
  { keys: 'v', command: 'move', what: 'Move to' },
  { keys: 'z', command: 'undo', what: 'Undo the last move' },
  { keys: 'Shift+I', command: 'mark-read', what: 'Mark as read' },
  { keys: 'Shift+U', command: 'mark-unread', what: 'Mark as unread' },
  { keys: 'g i', command: 'go-inbox', what: 'Go to Inbox' },
  { keys: 'g s', command: 'go-sent', what: 'Go to Sent' },
  { keys: 'g d', command: 'go-drafts', what: 'Go to Drafts' },
  { keys: 'g t', command: 'go-starred-or-trash', what: 'Go to Trash' },
  { keys: '?', command: 'help', what: 'Show these shortcuts' },
];

const SINGLE: Record<string, ShortcutCommand> = {
  c: 'compose',
  r: 'reply',
  a: 'reply-all',
  f: 'forward',
  e: 'archive',
  '#': 'delete',
  s: 'star',
  '!': 'spam',
  '/': 'search',
  x: 'select',
  u: 'back',
  l: 'label',
  v: 'move',
  z: 'undo',
  I: 'mark-read',
  U: 'mark-unread',
  '?': 'help',
};

const AFTER_G: Record<string, ShortcutCommand> = { i: 'go-inbox', s: 'go-sent', d: 'go-drafts', t: 'go-starred-or-trash' };

/** A `g` waits this long for its second key. */
export const SEQUENCE_MS = 1500;

/**
 * The command for `key` (KeyboardEvent.key), given whether a `g` is pending; `pendingG` in the
 * answer says whether the next key completes a sequence.
 */
export function readShortcut(key: string, pendingG: boolean): { command: ShortcutCommand | null; pendingG: boolean } {
  if (pendingG) {
    const command = AFTER_G[key] ?? null;
    if (command) return { command, pendingG: false };
  }
  if (key === 'g') return { command: null, pendingG: true };
  return { command: SINGLE[key] ?? null, pendingG: false };
}

const STORAGE_KEY = 'sealpost.shortcuts';

/** Whether shortcuts are on in this browser (a preference, not a secret: localStorage). */
export const shortcutSetting = {
  load: (): boolean => typeof localStorage === 'undefined' || localStorage.getItem(STORAGE_KEY) !== 'off',
  save: (on: boolean) => localStorage.setItem(STORAGE_KEY, on ? 'on' : 'off'),
};
