'use client';
import { useEffect, useState } from 'react';
import { type NotificationPreference, notificationSetting } from '@/app/lib/mail/desktop-notifications';
import { Button } from '../ui';

type Permission = NotificationPermission | 'unsupported';

/**
 * Settings: desktop notifications for new mail, off until turned on here. Turning them on asks the
 * browser's permission (only on this click); "show sender and subject" is a second choice.
 */
export function NotificationSetting() {
  const [preference, setPreference] = useState<NotificationPreference>({ enabled: false, showContent: false });
  const [permission, setPermission] = useState<Permission>('default');
  const [asking, setAsking] = useState(false);
  useEffect(() => {
    setPreference(notificationSetting.load());
    setPermission(typeof Notification === 'undefined' ? 'unsupported' : Notification.permission);
  }, []);

  const save = (next: NotificationPreference) => {
    notificationSetting.save(next);
    setPreference(next);
  };
  const turnOn = async () => {
    setAsking(true);
    try {
      const answer = await Notification.requestPermission();
      setPermission(answer);
      if (answer === 'granted') save({ enabled: true, showContent: false });
    } finally {
      setAsking(false);
    }
  };
  const on = preference.enabled && permission === 'granted';

  return (
    <section aria-labelledby="notifications-heading" className="rounded-2xl border border-slate-200 bg-white p-4">
      <h2 id="notifications-heading" className="font-medium">
        Desktop notifications
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        A notification when new mail arrives while Sealpost is open in a background tab. Saved in this browser; off unless you turn it on.
      </p>
      {permission === 'unsupported' ? (
        <p className="mt-2 text-sm text-slate-700">This browser doesn’t offer notifications.</p>
      ) : permission === 'denied' ? (
        <p className="mt-2 text-sm text-slate-700" data-testid="notifications-denied">
          Notifications are blocked for this site. Allow them in your browser’s site settings, then come back here.
        </p>
      ) : on ? (
        <div className="mt-2 space-y-2">
          <p className="text-sm text-slate-700" role="status">
            Notifications are on.
          </p>
          <label className="flex items-center gap-2 text-sm">
            <input
              type="checkbox"
              checked={preference.showContent}
              onChange={(event) => save({ enabled: true, showContent: event.target.checked })}
              className="h-4 w-4 accent-brand-600"
            />
            Show sender and subject
          </label>
          <p className="text-xs text-slate-600">
            They are decrypted in this browser for the notification; without this, it says only “New mail”. Anyone who can see your screen can read them.
          </p>
          <Button variant="secondary" onClick={() => save({ enabled: false, showContent: false })}>
            Turn off notifications
          </Button>
        </div>
      ) : (
        <Button className="mt-2" loading={asking} onClick={() => void turnOn()}>
          Turn on desktop notifications
        </Button>
      )}
    </section>
  );
}
