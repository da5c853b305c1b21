'use client';
import type { Label } from '@/app/lib/mail/use-organize';
import { Button } from '../ui';
import { PickMenu } from './pick-menu';
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
  const { onAction, busy } = organize;
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
      <OpenPickMenus noun="conversation" organize={organize} />
    </>
  );
}

/**
 * "Label…" and "Move to…" for what is open, a message or a whole conversation, reached by `l` and
 * `v` when nothing is checked.
 */
export function OpenPickMenus({
  noun,
  organize,
}: {
  noun: 'message' | 'conversation';
  organize: { onAction: (action: OrganizeAction) => void; labels: Label[]; folders: Label[] };
}) {
  const { onAction, labels, folders } = organize;
  return (
    <>
      <PickMenu
        label={`Label the ${noun}`}
        placeholder="Label…"
        items={labels}
        shortcut="label"
        className="rounded-lg border border-slate-300 px-2 py-1 text-sm"
        onPick={(id) => onAction({ label: id })}
      />
      <PickMenu
        label={`Move the ${noun} to a folder`}
        placeholder="Move to…"
        items={folders}
        shortcut="move"
        className="rounded-lg border border-slate-300 px-2 py-1 text-sm"
        onPick={(id) => onAction({ move: id })}
      />
    </>
  );
}
