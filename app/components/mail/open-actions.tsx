'use client';
import type { Label } from '@/app/lib/mail/use-organize';
import { Button } from '../ui';
import type { OrganizeAction } from './use-list-organize';

/**
 * The open conversation's own buttons, beside Reply: Archive, Delete, Spam, Star and a label or a
 * folder. They run through the list's organize hook, so they reach every message of the
 * conversation in one request and can be undone like the toolbar's (`e`, `#`, `!`, `s`, `l`, `v`).
 */
export function OpenActions({
  folder,
  organize,
  starred,
}: {
  folder: string;
  organize: { onAction: (action: OrganizeAction) => void; labels: Label[]; folders: Label[]; busy: boolean };
  starred: boolean;
}) {
  const { onAction, labels, folders, busy } = organize;
  return (
    <>
      {folder !== 'archive' ? (
        <Button variant="secondary" disabled={busy} aria-keyshortcuts="e" onClick={() => onAction('archive')}>
          Archive
        </Button>
      ) : null}
      {folder !== 'trash' ? (
        <Button variant="secondary" disabled={busy} aria-keyshortcuts="#" onClick={() => onAction('delete')}>
          Delete conversation
        </Button>
      ) : null}
      {folder !== 'spam' && folder !== 'trash' ? (
        <Button variant="secondary" disabled={busy} aria-keyshortcuts="!" onClick={() => onAction('spam')}>
          Report spam
        </Button>
      ) : null}
      <Button variant="secondary" disabled={busy} aria-keyshortcuts="s" aria-pressed={starred} onClick={() => onAction(starred ? 'unstar' : 'star')}>
        {starred ? 'Unstar' : 'Star'}
      </Button>
      {labels.length ? (
        <select
          aria-label="Label the conversation"
          data-shortcut="label"
          className="rounded-lg border border-slate-300 px-2 py-1 text-sm"
          value=""
          onChange={(e) => e.target.value && onAction({ label: e.target.value })}
        >
          <option value="">Label…</option>
          {labels.map((l) => (
            <option key={l.id} value={l.id}>
              {l.name}
            </option>
          ))}
        </select>
      ) : null}
      {folders.length ? (
        <select
          aria-label="Move the conversation to a folder"
          data-shortcut="move"
          className="rounded-lg border border-slate-300 px-2 py-1 text-sm"
          value=""
          onChange={(e) => e.target.value && onAction({ move: e.target.value })}
        >
          <option value="">Move to…</option>
          {folders.map((f) => (
            <option key={f.id} value={f.id}>
              {f.name}
            </option>
          ))}
        </select>
      ) : null}
    </>
  );
}
