'use client';
import { FOCUSABLE_SELECTOR } from '@/app/lib/focus-cycle';

/**
 * The parts of a compose window that make it dockable: its frame (expanded beside the others at
 * the bottom right, the whole screen on a phone, or just a title bar when minimised), the
 * minimise/restore button, and where focus lands inside it.
 */
export function windowClass(minimised: boolean): string {
  const frame = 'pointer-events-auto flex flex-col overflow-hidden border border-slate-200 bg-white text-slate-900 shadow-2xl';
  if (minimised) return `${frame} w-56 shrink-0 rounded-t-xl md:w-64`;
  return `${frame} max-md:fixed max-md:inset-0 max-md:z-50 md:h-[min(36rem,calc(100vh-5rem))] md:w-[30rem] md:shrink-0 md:rounded-t-xl`;
}

/** The field to type in first: an autofocus one, else the first empty text field, else the first control. */
export function focusFirstField(root: HTMLElement): void {
  const visible = (el: HTMLElement) => el.getClientRects().length > 0;
  const candidates = Array.from(root.querySelectorAll<HTMLElement>(`${FOCUSABLE_SELECTOR}, [contenteditable="true"]`)).filter(visible);
  const empty = candidates.find((el) => (el instanceof HTMLInputElement && el.type !== 'file' && el.value === '') || el.isContentEditable);
  (empty ?? candidates[0])?.focus();
}

export function MinimiseToggle({ minimised, onMinimise, onRestore }: { minimised: boolean; onMinimise: () => void; onRestore: () => void }) {
  return (
    <button
      type="button"
      onClick={minimised ? onRestore : onMinimise}
      aria-label={minimised ? 'Restore' : 'Minimise'}
      aria-expanded={!minimised}
      className="rounded p-1 hover:bg-slate-100"
    >
      <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" className="h-4 w-4" aria-hidden="true">
        {minimised ? <path d="m6 15 6-6 6 6" /> : <path d="M5 18h14" />}
      </svg>
    </button>
  );
}
