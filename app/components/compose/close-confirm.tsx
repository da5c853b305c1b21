'use client';
import { useId, useState } from 'react';
import { Button } from '@/app/components/ui';

/** Closing a message that has content: keep it as a draft, throw it away, or go back to it. */
export function CloseConfirm({ onKeep, onDiscard, onBack }: { onKeep: () => Promise<void>; onDiscard: () => Promise<void>; onBack: () => void }) {
  const titleId = useId();
  const [busy, setBusy] = useState<'keep' | 'discard' | null>(null);
  const run = (which: 'keep' | 'discard', action: () => Promise<void>) => async () => {
    setBusy(which);
    try {
      await action();
    } finally {
      setBusy(null);
    }
  };
  return (
    <div role="alertdialog" aria-labelledby={titleId} className="m-auto max-w-sm space-y-4 p-6 text-center">
      <h3 id={titleId} className="text-base font-semibold">
        Keep this message as a draft?
      </h3>
      <p className="text-sm text-slate-600">Drafts are encrypted to your key. You’ll find it in Drafts.</p>
      <div className="flex flex-wrap justify-center gap-2">
        <Button type="button" autoFocus loading={busy === 'keep'} disabled={busy !== null} onClick={run('keep', onKeep)}>
          Keep draft
        </Button>
        <Button type="button" variant="danger" loading={busy === 'discard'} disabled={busy !== null} onClick={run('discard', onDiscard)}>
          Discard
        </Button>
        <Button type="button" variant="ghost" disabled={busy !== null} onClick={onBack}>
          Keep editing
        </Button>
      </div>
    </div>
  );
}
