'use client';
import { useEffect, useRef } from 'react';
import type { UndoEntry } from '@/app/lib/mail/use-organize';
import { Button } from '../ui';

const UNDO_MS = 10_000;

/** "12 messages archived. Undo" after a move; Undo (or `z`) puts them back. Goes after ten seconds. */
export function UndoToast({ entry, onUndo, onDismiss }: { entry: UndoEntry | null; onUndo: () => void; onDismiss: () => void }) {
  const dismiss = useRef(onDismiss);
  dismiss.current = onDismiss;
  useEffect(() => {
    if (!entry) return;
    const hide = setTimeout(() => dismiss.current(), UNDO_MS);
    return () => clearTimeout(hide);
  }, [entry]);
  return (
    <div aria-live="polite" className="pointer-events-none fixed inset-x-0 bottom-20 z-50 flex justify-center px-4">
      {entry ? (
        <div data-testid="undo-toast" className="pointer-events-auto flex items-center gap-3 rounded-xl bg-slate-900 px-4 py-3 text-sm text-white shadow-lg">
          <span>{entry.text}</span>
          <Button variant="secondary" className="px-3 py-1" onClick={onUndo} aria-keyshortcuts="z">
            Undo
          </Button>
        </div>
      ) : null}
    </div>
  );
}
