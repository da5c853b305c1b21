'use client';
import { type KeyboardEvent, type ReactNode, type RefObject, useEffect, useId, useRef } from 'react';
import { FOCUSABLE_SELECTOR, nextFocusIndex } from '@/app/lib/focus-cycle';

/**
 * A modal dialog on the native <dialog> element: showModal() makes the page behind it inert and
 * puts it in the top layer. Mount it to open it, unmount it to close it. Tab cycles inside it,
 * Escape calls onClose, and focus goes back to `returnFocusTo` afterwards.
 */
export function Dialog({
  title,
  description,
  children,
  onClose,
  initialFocus,
  returnFocusTo,
}: {
  title: string;
  description?: ReactNode;
  children: ReactNode;
  onClose: () => void;
  initialFocus?: RefObject<HTMLElement | null>;
  returnFocusTo?: RefObject<HTMLElement | null>;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (!dialog.open) dialog.showModal();
    initialFocus?.current?.focus();
    const back = returnFocusTo?.current;
    return () => {
      if (dialog.open) dialog.close();
      back?.focus();
    };
  }, [initialFocus, returnFocusTo]);

  const trapTab = (event: KeyboardEvent<HTMLDialogElement>) => {
    if (event.key !== 'Tab' || !ref.current) return;
    const focusable = Array.from(ref.current.querySelectorAll<HTMLElement>(FOCUSABLE_SELECTOR)).filter((el) => el.getClientRects().length > 0);
    const next = nextFocusIndex(focusable.indexOf(document.activeElement as HTMLElement), focusable.length, event.shiftKey);
    event.preventDefault();
    focusable[next]?.focus();
  };

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onCancel={(event) => {
        // Escape: let React own the open state instead of the browser.
        event.preventDefault();
        onClose();
      }}
      onKeyDown={trapTab}
      className="m-auto w-full max-w-md rounded-2xl border border-slate-200 bg-white p-6 text-slate-900 shadow-xl backdrop:bg-slate-900/40"
    >
      <h2 id={titleId} className="text-lg font-semibold">
        {title}
      </h2>
      {description ? (
        <div id={descriptionId} className="mt-2 text-sm text-slate-700">
          {description}
        </div>
      ) : null}
      <div className="mt-4">{children}</div>
    </dialog>
  );
}
