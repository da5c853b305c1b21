'use client';
import { useEffect, useRef, useState } from 'react';
import { Button } from '@/app/components/ui';
import type { OutgoingToast as Toast } from '@/app/lib/compose/use-outgoing';
import { formatFullDate } from '@/app/lib/mail/format';

/** How long a toast that needs nothing from you stays. */
const TOAST_MS = 6000;

/** "Sending… Undo" for the undo window, then what became of the message. A polite live region. */
export function OutgoingToast({ toast, onUndo, onRetry, onDismiss }: { toast: Toast | null; onUndo: () => void; onRetry: () => void; onDismiss: () => void }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (toast?.kind !== 'sending') return;
    const tick = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(tick);
  }, [toast]);
  // The timer runs from when this toast appeared: a parent re-rendering with a new onDismiss (the
  // mailbox does, often) must not start it again, or "Scheduled for …" never went away.
  const dismiss = useRef(onDismiss);
  dismiss.current = onDismiss;
  useEffect(() => {
    if (!toast || toast.kind === 'sending' || toast.kind === 'failed') return;
    const hide = setTimeout(() => dismiss.current(), TOAST_MS);
    return () => clearTimeout(hide);
  }, [toast]);

  return (
    <div aria-live="polite" className="pointer-events-none fixed inset-x-0 bottom-4 z-50 flex justify-center px-4">
      {toast ? (
        <div
          data-testid="outgoing-toast"
          className="pointer-events-auto flex items-center gap-3 rounded-xl bg-slate-900 px-4 py-3 text-sm text-white shadow-lg"
        >
          {toast.kind === 'sending' ? (
            <>
              <span>Sending… {Math.max(0, Math.ceil((toast.deadline - now) / 1000))} s</span>
              <Button variant="secondary" className="px-3 py-1" onClick={onUndo}>
                Undo
              </Button>
            </>
          ) : toast.kind === 'sent' ? (
            <span>Message sent.</span>
          ) : toast.kind === 'scheduled' ? (
            <span>Scheduled for {formatFullDate(toast.sendAt.toISOString())}.</span>
          ) : toast.kind === 'undone' ? (
            <span>Sending undone. The message is open again.</span>
          ) : (
            <>
              <span role="alert">{toast.message}</span>
              <Button variant="secondary" className="px-3 py-1" onClick={onRetry}>
                Retry
              </Button>
              <Button variant="ghost" className="px-3 py-1 text-white hover:bg-slate-700" onClick={onDismiss}>
                Dismiss
              </Button>
            </>
          )}
        </div>
      ) : null}
    </div>
  );
}
