'use client';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ReplyMode } from '@/app/lib/compose/quote';
import { isNavigationTarget } from '@/app/lib/mail/list-navigation';
import type { ParsedMessage } from '@/app/lib/mail/parse-message';
import { type ListFolder, type MailRoute, isOwnFolder } from '@/app/lib/mail/use-mail-route';
import { useMailList } from '@/app/lib/mail/use-mail';
import type { MailFolder } from '@/mime/folders';
import { EMPTY_SELECTION, type ListSelection, selectionTarget, toggle } from '@/app/lib/mail/selection';
import { type ShortcutCommand, shortcutSetting } from '@/app/lib/mail/shortcuts';
import { useMailShortcuts } from '@/app/lib/mail/use-mail-shortcuts';
import { LABEL_STYLES, type useBulk, useLabels, useOrganizeCounts } from '@/app/lib/mail/use-organize';
import { errorMessage } from '@/app/lib/trpc';
import { Alert } from '../ui';
import { BulkToolbar } from './bulk-toolbar';
import { useFolderName } from './folder-name';
import { ShortcutsDialog } from './shortcuts-dialog';
import { MessageList } from './message-list';
import { ReadingPane } from './reading-pane';

/** What an empty folder says, in the plain list and in conversation view alike. */
export const EMPTY_FOLDER_TEXT: Record<MailFolder, string> = {
  inbox: 'No messages yet.',
  drafts: 'No drafts.',
  sent: 'Nothing sent yet.',
  trash: 'Trash is empty.',
  archive: 'Nothing archived.',
  spam: 'No spam.',
};

export const emptyFolderText = (folder: ListFolder) => (isOwnFolder(folder) ? 'This folder is empty.' : EMPTY_FOLDER_TEXT[folder]);

/** One folder: its message list and the reading pane. In Drafts, opening a row resumes the draft. */
export function FolderPanel({
  route,
  onOpenDraft,
  onReply,
  bulk,
}: {
  route: MailRoute & { folder: ListFolder };
  onOpenDraft: (id: string) => void;
  onReply: (message: ParsedMessage, mode: ReplyMode) => void;
  bulk: ReturnType<typeof useBulk>;
}) {
  const { list, items, summaries } = useMailList(route.folder);
  const { messageId, closeMessage } = route;
  const reading = messageId !== null;

  // Escape leaves the message; the focus goes back to its row in the list.
  const lastOpened = useRef<string | null>(null);
  useEffect(() => {
    if (messageId) {
      lastOpened.current = messageId;
      const onKeyDown = (event: KeyboardEvent) => {
        if (event.key === 'Escape' && isNavigationTarget(event) && !document.querySelector('dialog[open]')) closeMessage();
      };
      document.addEventListener('keydown', onKeyDown);
      return () => document.removeEventListener('keydown', onKeyDown);
    }
    if (lastOpened.current) document.querySelector<HTMLElement>(`[data-message-id="${lastOpened.current}"]`)?.focus();
  }, [messageId, closeMessage]);

  const item = messageId ? items.find((m) => m.id === messageId) : undefined;
  const isDrafts = route.folder === 'drafts';
  const organize = useOrganize(route, items, messageId, bulk);
  const folderName = useFolderName(route.folder);

  return (
    <>
      <section
        aria-labelledby="mailbox-heading"
        className={`${reading ? 'hidden md:flex' : 'flex'} min-h-0 flex-1 flex-col border-slate-200 bg-white md:w-80 md:flex-none md:border-r lg:w-96`}
      >
        <div className="flex items-center border-b border-slate-100 px-4 py-3">
          <h1 id="mailbox-heading" className="text-xl font-semibold">
            {folderName}
          </h1>
          <button
            type="button"
            onClick={organize.openHelp}
            aria-keyshortcuts="?"
            className="ml-auto rounded-lg px-2 py-1 text-sm text-slate-700 hover:bg-slate-100"
          >
            Keyboard shortcuts
          </button>
        </div>
        {isDrafts ? null : organize.toolbar}
        {bulk.error ? (
          <div className="px-3 pt-2">
            <Alert>{errorMessage(bulk.error)}</Alert>
          </div>
        ) : null}
        <MessageList
          list={list}
          items={items}
          summaries={summaries}
          selectedId={messageId}
          emptyText={emptyFolderText(route.folder)}
          showRecipients={route.folder === 'sent' || isDrafts}
          onOpen={isDrafts ? onOpenDraft : route.openMessage}
          rowSelection={isDrafts ? undefined : organize.rowSelection}
        />
        {organize.help}
      </section>
      <section aria-label="Message" className={`${reading ? 'flex' : 'hidden md:flex'} min-h-0 flex-1 flex-col`}>
        {messageId ? (
          <ReadingPane
            key={messageId}
            id={messageId}
            item={item}
            summary={summaries.data?.[messageId]}
            onBack={closeMessage}
            onGone={closeMessage}
            onReply={onReply}
          />
        ) : (
          <p className="m-auto p-6 text-sm text-slate-500">{isDrafts ? 'Open a draft to go on writing it.' : 'Select a message to read it.'}</p>
        )}
      </section>
    </>
  );
}

type Items = ReturnType<typeof useMailList>['items'];
/** The list row that has the keyboard focus, if any. */
const focusedId = () => (document.activeElement as HTMLElement | null)?.dataset?.messageId ?? null;
type MoveTarget = 'archive' | 'trash' | 'spam' | 'inbox';
const MOVED_TEXT: Record<MoveTarget, string> = {
  archive: '{n} archived.',
  trash: '{n} moved to Trash.',
  spam: '{n} marked as spam.',
  inbox: '{n} moved to Inbox.',
};

/**
 * Checkboxes, the bulk toolbar and the keyboard shortcuts of one folder. An action applies to the
 * open message, else to the checked rows (or the whole folder), else to the focused row.
 */
function useOrganize(route: MailRoute & { folder: ListFolder }, items: Items, messageId: string | null, bulk: ReturnType<typeof useBulk>) {
  const [selection, setSelection] = useState<ListSelection>(EMPTY_SELECTION);
  const [helpOpen, setHelpOpen] = useState(false);
  const [shortcutsOn, setShortcutsOn] = useState(true);
  useEffect(() => setShortcutsOn(shortcutSetting.load()), []);
  const labels = useLabels();
  const counts = useOrganizeCounts();
  const labelById = new Map((labels.data ?? []).map((l) => [l.id, l]));
  const folder = route.folder;
  const folderName = useFolderName(folder);
  const total = counts.data?.folders[folder]?.total ?? items.length;
  const order = items.map((m) => m.id);

  const target = useCallback((): { ids: string[] } | { folder: string } | null => {
    if (messageId) return { ids: [messageId] };
    const chosen = selectionTarget(selection, folder);
    if (chosen) return chosen;
    const focused = focusedId();
    return focused ? { ids: [focused] } : null;
  }, [messageId, selection, folder]);

  const run = useCallback(
    async (action: Parameters<typeof bulk.apply>[1], undoText?: string) => {
      const chosen = target();
      if (!chosen) return;
      const leaving = action.kind === 'move' && messageId;
      const result = await bulk.apply(chosen, action, undoText);
      if (action.kind === 'move' || action.kind === 'delete-forever') setSelection(EMPTY_SELECTION);
      if (leaving) route.closeMessage();
      return result;
    },
    [bulk, target, messageId, route],
  );
  const move = (to: MoveTarget) => run({ kind: 'move', folder: to }, MOVED_TEXT[to].replace('{n}', '{n} message(s)'));

  const onAction = (action: Parameters<React.ComponentProps<typeof BulkToolbar>['onAction']>[0]) => {
    if (action === 'archive' || action === 'spam' || action === 'inbox') return void move(action);
    if (action === 'delete') return void move('trash');
    if (action === 'read' || action === 'unread') return void run({ kind: 'seen', value: action === 'read' });
    if (action === 'star' || action === 'unstar') return void run({ kind: 'star', value: action === 'star' });
    if (action === 'mark-all-read') return void bulk.apply({ folder }, { kind: 'seen', value: true });
    if ('label' in action) return void run({ kind: 'label', labelId: action.label, value: true });
    return void run({ kind: 'move', folder: action.move }, '{n} message(s) moved.');
  };

  const starTarget = () => {
    const ids = messageId ? [messageId] : selection.ids.size ? [...selection.ids] : [focusedId()].filter((id): id is string => !!id);
    const anyUnstarred = ids.some((id) => !items.find((m) => m.id === id)?.starred);
    return run({ kind: 'star', value: anyUnstarred });
  };

  useMailShortcuts(shortcutsOn, (command: ShortcutCommand) => {
    switch (command) {
      case 'archive':
        return void move('archive');
      case 'delete':
        return void move('trash');
      case 'spam':
        return void move('spam');
      case 'star':
        return void starTarget();
      case 'mark-read':
        return void run({ kind: 'seen', value: true });
      case 'mark-unread':
        return void run({ kind: 'seen', value: false });
      case 'select': {
        const id = focusedId();
        if (id) setSelection((s) => toggle(s, order, id, false));
        return;
      }
      case 'back':
        return route.closeMessage();
      case 'undo':
        return void bulk.undo();
      case 'label':
        return document.getElementById('bulk-label')?.focus();
      case 'move':
        return document.getElementById('bulk-move')?.focus();
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

  const toolbar = (
    <BulkToolbar
      folder={folder}
      folderName={folderName}
      checked={selection.allInFolder ? total : selection.ids.size}
      loaded={items.length}
      total={total}
      allInFolder={selection.allInFolder}
      labels={(labels.data ?? []).filter((l) => l.kind === 'label')}
      folders={(labels.data ?? []).filter((l) => l.kind === 'folder')}
      busy={bulk.pending}
      onAll={() => setSelection((s) => ({ ...s, allInFolder: true }))}
      onClear={() => setSelection(EMPTY_SELECTION)}
      onCheckPage={() => setSelection({ ids: new Set(order), anchor: null, allInFolder: false })}
      onAction={onAction}
      onEmpty={() => bulk.apply({ folder }, { kind: 'delete-forever', folder: folder === 'spam' ? 'spam' : 'trash' })}
    />
  );

  const rowSelection = (item: Items[number]) => ({
    checked: selection.allInFolder || selection.ids.has(item.id),
    onCheck: (id: string, range: boolean) => setSelection((s) => toggle(s, order, id, range)),
    onStar: (id: string, starred: boolean) => void bulk.apply({ ids: [id] }, { kind: 'star', value: starred }),
    labels: item.labelIds.flatMap((id) => {
      const label = labelById.get(id);
      return label ? [{ id, name: label.name, chip: LABEL_STYLES[label.color]?.chip ?? LABEL_STYLES.slate!.chip }] : [];
    }),
  });

  const help = helpOpen ? <ShortcutsDialog onClose={() => setHelpOpen(false)} onChange={setShortcutsOn} /> : null;
  return { toolbar, rowSelection, help, openHelp: () => setHelpOpen(true) };
}
