'use client';
import { useEffect, useRef } from 'react';
import { callKeys } from '../keys/key-proxy';
import { useTRPCClient } from '../trpc';
import { NEW_MAIL_EVENT, arrivalsSince, latestReceived, notificationSetting, notificationText } from './desktop-notifications';
import { decryptSummaries } from './summaries';
import { senderLabel, subjectLabel } from './summary-reader';

/**
 * Shows a desktop notification when new mail reaches the Inbox while this tab is hidden, if the
 * user turned notifications on and the browser allows them (desktop-notifications.ts). Clicking it
 * brings the tab back.
 */
export function useDesktopNotifications() {
  const client = useTRPCClient();
  // Mail that arrived before the mailbox opened is not news.
  const since = useRef<string | null>(new Date().toISOString());

  useEffect(() => {
    const onNewMail = async () => {
      const preference = notificationSetting.load();
      if (!preference.enabled || typeof Notification === 'undefined' || Notification.permission !== 'granted' || !document.hidden) {
        // Mail that arrives while notifications are off or the tab is in view is not news later
        // (this tab's clock against the server's receivedAt: a skew of seconds at worst).
        since.current = new Date().toISOString();
        return;
      }
      const page = await client.mail.list.query({ folder: 'inbox' });
      const arrivals = arrivalsSince(page.items, since.current);
      since.current = latestReceived(arrivals, since.current);
      if (arrivals.length === 0) return;
      let newest: { sender: string; subject: string } | null = null;
      if (preference.showContent) {
        const first = arrivals[0]!;
        const read = (await decryptSummaries([first], async (data) => (await callKeys('decryptBatch', { items: data })).results))[first.id];
        if (read?.status === 'ok') newest = { sender: senderLabel(read.summary), subject: subjectLabel(read.summary.subject) };
      }
      const text = notificationText(arrivals.length, newest);
      const notification = new Notification(text.title, { body: text.body, tag: 'sealpost-new-mail', icon: '/icon.svg' });
      notification.onclick = () => {
        window.focus();
        notification.close();
      };
    };
    // A notification that can't be made (the list request failed, the key is locked) is skipped on
    // purpose: the mailbox shows the new mail itself when the tab comes back.
    const listener = () => void onNewMail().catch(() => undefined);
    window.addEventListener(NEW_MAIL_EVENT, listener);
    return () => window.removeEventListener(NEW_MAIL_EVENT, listener);
  }, [client]);
}
