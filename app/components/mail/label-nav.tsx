'use client';
import { type FormEvent, useRef, useState } from 'react';
import { LABEL_COLORS, LABEL_STYLES, useCreateLabel, useLabels } from '@/app/lib/mail/use-organize';
import { errorMessage } from '@/app/lib/trpc';
import { Dialog } from '../dialog';
import { Alert, Button, TextField } from '../ui';

/** The labels, each with its unread count, and "New label". Names are decrypted in this tab only. */
export function LabelNav({ counts }: { counts: Record<string, { unread: number; total: number }> | undefined }) {
  const labels = useLabels();
  const [creating, setCreating] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  const list = (labels.data ?? []).filter((l) => l.kind === 'label');
  return (
    <nav aria-label="Labels" className="hidden md:block">
      <h2 className="px-3 pt-2 text-xs font-semibold uppercase tracking-wide text-slate-600">Labels</h2>
      <ul className="mt-1 space-y-0.5">
        {list.map((label) => {
          const unread = counts?.[label.id]?.unread ?? 0;
          return (
            <li key={label.id} data-testid="nav-label" className="flex items-center gap-2 px-3 py-1 text-sm text-slate-700">
              <span className={`h-2.5 w-2.5 shrink-0 rounded-full ${LABEL_STYLES[label.color]?.dot ?? 'bg-slate-500'}`} aria-hidden="true" />
              <span className="truncate">{label.name}</span>
              {unread > 0 ? (
                <span className="ml-auto text-xs font-semibold text-slate-700">
                  {unread}
                  <span className="sr-only"> unread</span>
                </span>
              ) : null}
            </li>
          );
        })}
      </ul>
      <Button ref={opener} variant="ghost" className="mt-1 w-full justify-start px-3 py-1" onClick={() => setCreating(true)}>
        + New label
      </Button>
      {creating ? <NewLabelDialog onClose={() => setCreating(false)} returnFocusTo={opener} /> : null}
    </nav>
  );
}

function NewLabelDialog({ onClose, returnFocusTo }: { onClose: () => void; returnFocusTo: React.RefObject<HTMLButtonElement | null> }) {
  const create = useCreateLabel();
  const [name, setName] = useState('');
  const [color, setColor] = useState<(typeof LABEL_COLORS)[number]>('blue');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) return setError('Give the label a name.');
    setBusy(true);
    try {
      await create.createLabel({ kind: 'label', name: name.trim(), color });
      onClose();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };
  return (
    <Dialog title="New label" description="The name is encrypted to your key before it leaves this browser." onClose={onClose} returnFocusTo={returnFocusTo}>
      <form onSubmit={submit} className="space-y-3">
        <TextField label="Name" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} autoFocus />
        <fieldset>
          <legend className="text-sm font-medium text-slate-700">Colour</legend>
          <div className="mt-1 flex flex-wrap gap-2">
            {LABEL_COLORS.map((c) => (
              <label key={c} className="flex items-center gap-1 text-sm">
                <input type="radio" name="label-color" value={c} checked={color === c} onChange={() => setColor(c)} />
                <span className={`h-3 w-3 rounded-full ${LABEL_STYLES[c]!.dot}`} aria-hidden="true" />
                {c}
              </label>
            ))}
          </div>
        </fieldset>
        {error ? <Alert>{error}</Alert> : null}
        <div className="flex justify-end gap-2">
          <Button type="button" variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={busy}>
            Create label
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
