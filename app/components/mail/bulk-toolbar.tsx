'use client';
import { useRef, useState } from 'react';
import type { Label } from '@/app/lib/mail/use-organize';
import { Dialog } from '../dialog';
import { Button } from '../ui';
import { PickMenu } from './pick-menu';

/**
 * Above the list: with rows checked, what can be done to them (and "Select all N in this folder",
 * done on the server); always "Mark all as read", and in Trash or Spam "Empty …" behind a dialog.
 */
export function BulkToolbar({
  noun,
  folder,
  folderName,
  checked,
  loaded,
  total,
  more,
  allInFolder,
  labels,
  folders,
  busy,
  onAll,
  onClear,
  onCheckPage,
  onAction,
  onEmpty,
}: {
  /** What a row is: a message, or a whole conversation (conversation view). */
  noun: 'message' | 'conversation';
  folder: string;
  folderName: string;
  checked: number;
  loaded: number;
  /** Messages in the folder. */
  total: number;
  /** Rows exist that are not loaded. */
  more: boolean;
  allInFolder: boolean;
  labels: Label[];
  folders: Label[];
  busy: boolean;
  onAll: () => void;
  onClear: () => void;
  onCheckPage: () => void;
  onAction: (
    action: 'archive' | 'delete' | 'spam' | 'inbox' | 'read' | 'unread' | 'star' | 'unstar' | 'mark-all-read' | { label: string } | { move: string },
  ) => void;
  onEmpty: () => Promise<unknown>;
}) {
  const [confirmEmpty, setConfirmEmpty] = useState(false);
  const emptyButton = useRef<HTMLButtonElement>(null);
  const count = allInFolder ? total : checked;
  const rows = noun === 'message' ? 'messages' : 'conversations';
  const emptyable = folder === 'trash' || folder === 'spam';
  return (
    <div role="toolbar" aria-label={`Selected ${rows}`} className="flex flex-wrap items-center gap-1.5 border-b border-slate-100 px-3 py-2 text-sm">
      <input
        type="checkbox"
        aria-label={checked ? 'Clear the selection' : `Select every loaded ${noun}`}
        checked={checked > 0 && checked === loaded}
        ref={(el) => {
          if (el) el.indeterminate = checked > 0 && checked < loaded;
        }}
        onChange={() => (checked ? onClear() : onCheckPage())}
        className="mx-1 h-4 w-4 accent-brand-600"
        data-testid="select-page"
      />
      {count > 0 ? (
        <>
          <span data-testid="selected-count" aria-live="polite">
            {allInFolder && noun === 'conversation' ? `All conversations in ${folderName} selected` : `${count} selected`}
          </span>
          {!allInFolder && checked === loaded && more ? (
            <Button variant="ghost" className="px-2 py-1 text-brand-700" onClick={onAll}>
              {noun === 'message' ? `Select all ${total} in ${folderName}` : `Select all conversations in ${folderName}`}
            </Button>
          ) : null}
          {folder !== 'archive' ? (
            <ActionButton onClick={() => onAction('archive')} busy={busy}>
              Archive
            </ActionButton>
          ) : null}
          {folder !== 'inbox' ? (
            <ActionButton onClick={() => onAction('inbox')} busy={busy}>
              Move to Inbox
            </ActionButton>
          ) : null}
          {folder !== 'trash' ? (
            <ActionButton onClick={() => onAction('delete')} busy={busy}>
              Delete
            </ActionButton>
          ) : null}
          {folder !== 'spam' ? (
            <ActionButton onClick={() => onAction('spam')} busy={busy}>
              Spam
            </ActionButton>
          ) : null}
          <ActionButton onClick={() => onAction('read')} busy={busy}>
            Mark read
          </ActionButton>
          <ActionButton onClick={() => onAction('unread')} busy={busy}>
            Mark unread
          </ActionButton>
          <ActionButton onClick={() => onAction('star')} busy={busy}>
            Star
          </ActionButton>
          <ActionButton onClick={() => onAction('unstar')} busy={busy}>
            Unstar
          </ActionButton>
          <PickMenu label="Add a label" placeholder="Label…" id="bulk-label" items={labels} onPick={(id) => onAction({ label: id })} />
          <PickMenu label="Move to a folder" placeholder="Move to…" id="bulk-move" items={folders} onPick={(id) => onAction({ move: id })} />
        </>
      ) : (
        <>
          <ActionButton onClick={() => onAction('mark-all-read')} busy={busy}>
            Mark all as read
          </ActionButton>
          {emptyable && total > 0 ? (
            <Button ref={emptyButton} variant="danger" className="px-2 py-1" onClick={() => setConfirmEmpty(true)}>
              Empty {folderName}…
            </Button>
          ) : null}
        </>
      )}
      {confirmEmpty ? (
        <Dialog
          title={`Empty ${folderName}?`}
          description={`The ${total} messages in ${folderName} will be deleted for good. This can't be undone.`}
          onClose={() => setConfirmEmpty(false)}
          returnFocusTo={emptyButton}
        >
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setConfirmEmpty(false)}>
              Cancel
            </Button>
            <Button variant="danger" onClick={() => void onEmpty().then(() => setConfirmEmpty(false))}>
              Delete {total} for good
            </Button>
          </div>
        </Dialog>
      ) : null}
    </div>
  );
}

function ActionButton({ children, onClick, busy }: { children: string; onClick: () => void; busy: boolean }) {
  return (
    <Button variant="secondary" className="px-2 py-1" disabled={busy} onClick={onClick}>
      {children}
    </Button>
  );
}
