'use client';
import { type FormEvent, useRef, useState } from 'react';
import type { MailView } from '@/app/lib/mail/use-mail-route';
import { type Label, useCreateLabel, useLabels } from '@/app/lib/mail/use-organize';
import { useOwnFolderChanges } from '@/app/lib/mail/use-own-folders';
import { errorMessage } from '@/app/lib/trpc';
import { Dialog } from '../dialog';
import { Alert, Button, TextField } from '../ui';

type Counts = Record<string, { unread: number; total: number }> | undefined;

/**
 * The user's own folders under the built-in ones: each with its unread count, opened like any
 * folder, and renamed or deleted from its "Edit" button. Names are decrypted in this tab only.
 */
export function OwnFolderNav({ current, counts, onSelect }: { current: MailView; counts: Counts; onSelect: (folder: MailView) => void }) {
  const labels = useLabels();
  const [editing, setEditing] = useState<Label | 'new' | null>(null);
  const opener = useRef<HTMLButtonElement | null>(null);
  const folders = (labels.data ?? []).filter((l) => l.kind === 'folder');
  const edit = (target: Label | 'new', button: HTMLButtonElement) => {
    opener.current = button;
    setEditing(target);
  };
  return (
    <nav aria-label="Your folders">
      <h2 className="hidden px-3 pt-2 text-xs font-semibold uppercase tracking-wide text-slate-600 md:block">Folders</h2>
      <ul className="mt-1 flex flex-wrap gap-1 md:flex-col md:flex-nowrap md:gap-0.5">
        {folders.map((folder) => {
          const unread = counts?.[folder.id]?.unread ?? 0;
          const active = folder.id === current;
          return (
            <li key={folder.id} data-testid="nav-folder" className="flex items-center">
              <button
                type="button"
                aria-current={active ? 'page' : undefined}
                onClick={() => onSelect(folder.id as MailView)}
                className={`flex min-w-0 flex-1 items-center gap-2 rounded-lg px-2 py-2 text-sm md:px-3 ${
                  active ? 'bg-brand-50 font-semibold text-brand-700' : 'text-slate-700 hover:bg-slate-100'
                }`}
              >
                <FolderIcon />
                <span className="truncate">{folder.name}</span>
                {unread > 0 ? (
                  <span className="ml-auto text-xs font-semibold text-slate-700">
                    {unread}
                    <span className="sr-only"> unread</span>
                  </span>
                ) : null}
              </button>
              <button
                type="button"
                aria-label={`Edit folder ${folder.name}`}
                onClick={(e) => edit(folder, e.currentTarget)}
                className="rounded p-1.5 text-slate-600 hover:bg-slate-100"
              >
                <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" className="h-3.5 w-3.5" aria-hidden="true">
                  <path d="M12 20h9M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4Z" />
                </svg>
              </button>
            </li>
          );
        })}
      </ul>
      <Button variant="ghost" className="mt-1 justify-start px-3 py-1 md:w-full" onClick={(e) => edit('new', e.currentTarget)}>
        + New folder
      </Button>
      {editing === 'new' ? <NewFolderDialog onClose={() => setEditing(null)} returnFocusTo={opener} /> : null}
      {editing && editing !== 'new' ? (
        <EditFolderDialog
          folder={editing}
          total={counts?.[editing.id]?.total ?? 0}
          onClose={() => setEditing(null)}
          onDeleted={() => {
            setEditing(null);
            if (current === editing.id) onSelect('inbox');
          }}
          returnFocusTo={opener}
        />
      ) : null}
    </nav>
  );
}

function FolderIcon() {
  return (
    <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} strokeLinejoin="round" className="h-4 w-4 shrink-0" aria-hidden="true">
      <path d="M3 7a2 2 0 0 1 2-2h4l2 2h8a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2Z" />
    </svg>
  );
}

type Ref = React.RefObject<HTMLButtonElement | null>;

/** The name field shared by "New folder" and "Rename": trimmed, required, at most 100 characters. */
function useNameForm(initial: string, save: (name: string) => Promise<unknown>, done: () => void) {
  const [name, setName] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) return setError('Give the folder a name.');
    setBusy(true);
    try {
      await save(name.trim());
      done();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };
  return { name, setName, error, busy, submit };
}

function NewFolderDialog({ onClose, returnFocusTo }: { onClose: () => void; returnFocusTo: Ref }) {
  const create = useCreateLabel();
  const form = useNameForm('', (name) => create.createLabel({ kind: 'folder', name, color: 'slate' }), onClose);
  return (
    <Dialog title="New folder" description="The name is encrypted to your key before it leaves this browser." onClose={onClose} returnFocusTo={returnFocusTo}>
      <form onSubmit={form.submit} className="space-y-3">
        <TextField label="Name" value={form.name} maxLength={100} onChange={(e) => form.setName(e.target.value)} autoFocus />
        {form.error ? <Alert>{form.error}</Alert> : null}
        <div className="flex justify-end gap-2">
          <Button type="button" variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={form.busy}>
            Create folder
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

function EditFolderDialog({
  folder,
  total,
  onClose,
  onDeleted,
  returnFocusTo,
}: {
  folder: Label;
  total: number;
  onClose: () => void;
  onDeleted: () => void;
  returnFocusTo: Ref;
}) {
  const changes = useOwnFolderChanges();
  const form = useNameForm(folder.name, (name) => changes.rename(folder.id, name), onClose);
  const [confirming, setConfirming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const remove = async () => {
    setDeleting(true);
    try {
      await changes.remove(folder.id);
      onDeleted();
    } catch (err) {
      setDeleteError(errorMessage(err));
      setDeleting(false);
    }
  };
  if (confirming) {
    const what = total === 0 ? 'It is empty.' : `Its ${total} message${total === 1 ? '' : 's'} will be moved to Inbox; nothing is deleted.`;
    return (
      <Dialog title={`Delete the folder “${folder.name}”?`} description={what} onClose={onClose} returnFocusTo={returnFocusTo}>
        {deleteError ? <Alert>{deleteError}</Alert> : null}
        <div className="mt-3 flex justify-end gap-2">
          <Button type="button" variant="secondary" onClick={() => setConfirming(false)}>
            Cancel
          </Button>
          <Button type="button" variant="danger" loading={deleting} onClick={() => void remove()}>
            Delete folder
          </Button>
        </div>
      </Dialog>
    );
  }
  return (
    <Dialog title="Edit folder" onClose={onClose} returnFocusTo={returnFocusTo}>
      <form onSubmit={form.submit} className="space-y-3">
        <TextField label="Name" value={form.name} maxLength={100} onChange={(e) => form.setName(e.target.value)} autoFocus />
        {form.error ? <Alert>{form.error}</Alert> : null}
        <div className="flex flex-wrap justify-end gap-2">
          <Button type="button" variant="danger" className="mr-auto" onClick={() => setConfirming(true)}>
            Delete folder…
          </Button>
          <Button type="button" variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={form.busy}>
            Rename
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
