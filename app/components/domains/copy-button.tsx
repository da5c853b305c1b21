'use client';
import { useEffect, useRef, useState } from 'react';

type CopyState = 'idle' | 'copied' | 'failed';

/**
 * Copies `value` with the Clipboard API. That API exists only in secure contexts (HTTPS or
 * localhost); elsewhere, or if the browser refuses, it selects `selectOnFailure` so Ctrl+C works.
 */
export function CopyButton({ value, label, selectOnFailure }: { value: string; label: string; selectOnFailure?: () => HTMLElement | null }) {
  const [state, setState] = useState<CopyState>('idle');
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  const copy = async () => {
    clearTimeout(timer.current);
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(value);
      setState('copied');
    } catch {
      const target = selectOnFailure?.();
      if (target) window.getSelection()?.selectAllChildren(target);
      setState('failed');
    }
    timer.current = setTimeout(() => setState('idle'), 2_500);
  };

  return (
    <span className="inline-flex items-center gap-2">
      <button
        type="button"
        onClick={copy}
        aria-label={label}
        className="rounded-md border border-slate-300 bg-white px-2 py-1 text-xs font-medium text-slate-700 hover:bg-slate-50"
      >
        {state === 'copied' ? 'Copied' : 'Copy'}
      </button>
      <span role="status" className="text-xs text-slate-600">
        {state === 'copied' ? <span className="sr-only">Copied</span> : null}
        {state === 'failed' ? 'Copying is blocked here: the value is selected, press Ctrl+C.' : null}
      </span>
    </span>
  );
}
