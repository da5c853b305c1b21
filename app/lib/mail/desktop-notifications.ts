/**
 * Opt-in desktop notifications for new mail. Off until the user turns them on (which asks the
 * browser's permission); without the second opt-in they say only that mail arrived, never who
 * from or about what. Sender and subject, when shown, come from summaries decrypted in this tab:
 * nothing about a message leaves the browser for a notification. A preference, not a secret, so
 * it lives in localStorage, per browser.
 */
export interface NotificationPreference {
  enabled: boolean;
  /** Show the sender and subject (decrypted here) rather than just "New mail". */
  showContent: boolean;
}

const STORAGE_KEY = 'sealpost.notifications';
/** useNewMailEvents dispatches this on window for each new-mail event of the mailbox stream. */
export const NEW_MAIL_EVENT = 'sealpost:new-mail';

export const notificationSetting = {
  load(): NotificationPreference {
    const off = { enabled: false, showContent: false };
    if (typeof localStorage === 'undefined') return off;
    const stored = localStorage.getItem(STORAGE_KEY);
    return { enabled: stored === 'on' || stored === 'on+content', showContent: stored === 'on+content' };
  },
  save(preference: NotificationPreference): void {
    localStorage.setItem(STORAGE_KEY, preference.enabled ? (preference.showContent ? 'on+content' : 'on') : 'off');
  },
};

/** Unread messages that arrived after `since` (ISO time, or null for none yet), newest first. */
export function arrivalsSince<T extends { seen: boolean; receivedAt: string }>(items: T[], since: string | null): T[] {
  const after = since ? Date.parse(since) : Number.NEGATIVE_INFINITY;
  return items.filter((item) => !item.seen && Date.parse(item.receivedAt) > after);
}

/** The newest time among `items`, or `current` if none is newer. */
export function latestReceived(items: { receivedAt: string }[], current: string | null): string | null {
  return items.reduce<string | null>(
    (latest, item) => (latest === null || Date.parse(item.receivedAt) > Date.parse(latest) ? item.receivedAt : latest),
    current,
  );
}

/** What the notification says. `newest` is the newest arrival's sender and subject, when the user opted in and it decrypted. */
export function notificationText(count: number, newest: { sender: string; subject: string } | null): { title: string; body: string } {
  const more = count > 1 ? ` (and ${count - 1} more)` : '';
  if (newest) return { title: newest.sender, body: `${newest.subject}${more}` };
  return { title: 'Sealpost', body: count === 1 ? 'New mail' : `${count} new messages` };
}
