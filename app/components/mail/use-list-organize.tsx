'use client';
import { useCallback, useEffect, useState } from 'react';
import type { ListFolder, MailRoute } from '@/app/lib/mail/use-mail-route';
import { EMPTY_SELECTION, type ListSelection, selectionTarget, toggle } from '@/app/lib/mail/selection';
import { type ShortcutCommand, shortcutSetting } from '@/app/lib/mail/shortcuts';
import { useMailShortcuts } from '@/app/lib/mail/use-mail-shortcuts';
import { LABEL_STYLES, type Selection, type useBulk, useLabels, useOrganizeCounts } from '@/app/lib/mail/use-organize';
import { errorMessage } from '@/app/lib/trpc';
import { Alert } from '../ui';
import { BulkToolbar } from './bulk-toolbar';
import { useFolderName } from './folder-name';
import type { RowSelection } from './message-row';
import { ShortcutsDialog } from './shortcuts-dialog';

/**
 * What a row of the list is, for the one selection model, toolbar and set of shortcuts: a message
 * in the plain list, a whole conversation in conversation view. Row ids are what the checkboxes
 * hold; `target` turns them into one server request.
 */
export interface OrganizeRows {
  noun: 'message' | 'conversation';
  /** Row ids in list order (Shift-click ranges, "select every loaded row"). */
  order: string[];
  /** More rows exist than are loaded ("Select all in this folder" is offered). */
  more: boolean;
  /** The row a message is shown in (the open message, the focused row). */
  rowOf: (messageId: string) => string | null;
  starred: (rowId: string) => boolean;
  labelIds: (rowId: string) => string[];
  /** The server's selection for these rows. */
  target: (rowIds: string[]) => Selection;
  /** The server's selection for every row of the folder, pages not loaded included. */
  all: Selection;
}

/** The list row that has the keyboard focus, if any. */
const focusedMessage = () => (document.activeElement as HTMLElement | null)?.dataset?.messageId ?? null;
type MoveTarget = 'archive' | 'trash' | 'spam' | 'inbox';
const MOVED_TEXT: Record<MoveTarget, string> = {
  archive: '{n} message(s) archived.',
  trash: '{n} message(s) moved to Trash.',
  spam: '{n} message(s) marked as spam.',
  inbox: '{n} message(s) moved to Inbox.',
};
export type OrganizeAction = Parameters<React.ComponentProps<typeof BulkToolbar>['onAction']>[0];

/**
 * Checkboxes, the bulk toolbar and the keyboard shortcuts of one folder, whatever its rows are. An
 * action applies to the open row, else to the checked rows (or the whole folder), else to the
 * focused row.
 */
export function useListOrganize(route: MailRoute & { folder: ListFolder }, rows: OrganizeRows, bulk: ReturnType<typeof useBulk>) {
  const [selection, setSelection] = useState<ListSelection>(EMPTY_SELECTION);
  const [helpOpen, setHelpOpen] = useState(false);
  const [shortcutsOn, setShortcutsOn] = useState(true);
  useEffect(() => setShortcutsOn(shortcutSetting.load()), []);
  const labels = useLabels();
  const counts = useOrganizeCounts();
  const labelById = new Map((labels.data ?? []).map((l) => [l.id, l]));
  const { folder, messageId } = route;
  const folderName = useFolderName(folder);
  const total = counts.data?.folders[folder]?.total ?? rows.order.length;
  const openRow = messageId ? rows.rowOf(messageId) : null;

  /** The rows an action is for: the open one, else the checked ones, else the focused one. */
  const chosenRows = useCallback((): string[] => {
    if (openRow) return [openRow];
    if (selection.ids.size) return [...selection.ids];
    const focused = focusedMessage();
    const row = focused ? rows.rowOf(focused) : null;
    return row ? [row] : [];
  }, [openRow, selection, rows]);

  const run = useCallback(
    async (action: Parameters<typeof bulk.apply>[1], undoText?: string) => {
      const focused = chosenRows();
      const target = openRow ? rows.target([openRow]) : (selectionTarget(selection, rows) ?? (focused.length ? rows.target(focused) : null));
      if (!target) return;
      const leaving = action.kind === 'move' && openRow;
      const result = await bulk.apply(target, action, undoText);
      if (action.kind === 'move' || action.kind === 'delete-forever') setSelection(EMPTY_SELECTION);
      if (leaving) route.closeMessage();
      return result;
    },
    [bulk, chosenRows, openRow, selection, rows, route],
  );
  const move = (to: MoveTarget) => run({ kind: 'move', folder: to }, MOVED_TEXT[to]);

  const onAction = (action: OrganizeAction) => {
    if (action === 'archive' || action === 'spam' || action === 'inbox') return void move(action);
    if (action === 'delete') return void move('trash');
    if (action === 'read' || action === 'unread') return void run({ kind: 'seen', value: action === 'read' });
    if (action === 'star' || action === 'unstar') return void run({ kind: 'star', value: action === 'star' });
    if (action === 'mark-all-read') return void bulk.apply({ folder }, { kind: 'seen', value: true });
    if ('label' in action) return void run({ kind: 'label', labelId: action.label, value: true });
    return void run({ kind: 'move', folder: action.move }, '{n} message(s) moved.');
  };

  const toggleStar = () => run({ kind: 'star', value: chosenRows().some((row) => !rows.starred(row)) });

  useMailShortcuts(shortcutsOn, (command: ShortcutCommand) => {
    switch (command) {
      case 'archive':
        return void move('archive');
      case 'delete':
        return void move('trash');
      case 'spam':
        return void move('spam');
      case 'star':
        return void toggleStar();
      case 'mark-read':
        return void run({ kind: 'seen', value: true });
      case 'mark-unread':
        return void run({ kind: 'seen', value: false });
      case 'select': {
        const focused = focusedMessage();
        const row = focused ? rows.rowOf(focused) : null;
        if (row) setSelection((s) => toggle(s, rows.order, row, false));
        return;
      }
      case 'back':
        return route.closeMessage();
      case 'undo':
        return void bulk.undo();
      case 'label':
        return document.querySelector<HTMLElement>('#bulk-label, [data-shortcut="label"]')?.focus();
      case 'move':
        return document.querySelector<HTMLElement>('#bulk-move, [data-shortcut="move"]')?.focus();
      case 'search':
        return document.getElementById('mail-search')?.focus();
      case 'reply':
      case 'reply-all':
      case 'forward':
        return document.querySelector<HTMLElement>(`[data-shortcut="${command}"]`)?.click();
      case 'go-inbox':
        return route.openFolder('inbox');
      case 'go-sent':
        return route.openFolder('sent');
      case 'go-drafts':
        return route.openFolder('drafts');
      case 'go-starred-or-trash':
        return route.openFolder('trash');
      case 'help':
        return setHelpOpen(true);
      case 'compose':
        return;
    }
  });

  const labelList = (labels.data ?? []).filter((l) => l.kind === 'label');
  const folderList = (labels.data ?? []).filter((l) => l.kind === 'folder');
  const toolbar = (
    <BulkToolbar
      noun={rows.noun}
      folder={folder}
      folderName={folderName}
      checked={selection.ids.size}
      loaded={rows.order.length}
      total={total}
      more={rows.more}
      allInFolder={selection.allInFolder}
      labels={labelList}
      folders={folderList}
      busy={bulk.pending}
      onAll={() => setSelection((s) => ({ ...s, allInFolder: true }))}
      onClear={() => setSelection(EMPTY_SELECTION)}
      onCheckPage={() => setSelection({ ids: new Set(rows.order), anchor: null, allInFolder: false })}
      onAction={onAction}
      onEmpty={() => bulk.apply({ folder }, { kind: 'delete-forever', folder: folder === 'spam' ? 'spam' : 'trash' })}
    />
  );

  const rowSelection = (rowId: string): RowSelection => ({
    checked: selection.allInFolder || selection.ids.has(rowId),
    starred: rows.starred(rowId),
    onCheck: (range: boolean) => setSelection((s) => toggle(s, rows.order, rowId, range)),
    onStar: (starred: boolean) => void bulk.apply(rows.target([rowId]), { kind: 'star', value: starred }),
    labels: rows.labelIds(rowId).flatMap((id) => {
      const label = labelById.get(id);
      return label ? [{ id, name: label.name, chip: LABEL_STYLES[label.color]?.chip ?? LABEL_STYLES.slate!.chip }] : [];
    }),
  });

  const help = helpOpen ? <ShortcutsDialog onClose={() => setHelpOpen(false)} onChange={setShortcutsOn} /> : null;
  // The list's heading names the folder (the section is labelled by it) and offers the shortcuts.
  const heading = (
    <div className="flex items-center border-b border-slate-100 px-4 py-3">
      <h1 id="mailbox-heading" className="text-xl font-semibold">
        {folderName}
      </h1>
      <button
        type="button"
        onClick={() => setHelpOpen(true)}
        aria-keyshortcuts="?"
        className="ml-auto rounded-lg px-2 py-1 text-sm text-slate-700 hover:bg-slate-100"
      >
        Keyboard shortcuts
      </button>
    </div>
  );
  const error = bulk.error ? (
    <div className="px-3 pt-2">
      <Alert>{errorMessage(bulk.error)}</Alert>
    </div>
  ) : null;
  return { heading, toolbar, error, rowSelection, help, onAction, toggleStar, labels: labelList, folders: folderList, busy: bulk.pending };
}
