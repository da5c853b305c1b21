'use client';
import { useEffect } from 'react';
import { useComposeController } from '@/app/lib/compose/use-compose-controller';
import { isNavigationTarget } from '@/app/lib/mail/list-navigation';
import { shortcutSetting } from '@/app/lib/mail/shortcuts';
import { useBulk, useOrganizeCounts } from '@/app/lib/mail/use-organize';
import { useMailRoute } from '@/app/lib/mail/use-mail-route';
import { useForgetDecryptedOnUnmount, useMailCounts, useNewMailEvents } from '@/app/lib/mail/use-mail';
import { useDesktopNotifications } from '@/app/lib/mail/use-desktop-notifications';
import { ComposeDock } from '../compose/compose-dock';
import { OutgoingToast } from '../compose/outgoing-toast';
import { ScheduledList } from '../compose/scheduled-list';
import { Alert, Button } from '../ui';
import { FOLDER_NAMES, FolderNav } from './folder-nav';
import { MailPanel } from '../conversations/mail-panel';
import { SearchBox } from '../search/search-box';
import { DraftIcon } from './icons';
import { LabelNav } from './label-nav';
import { OwnFolderNav } from './own-folder-nav';
import { UndoToast } from './undo-toast';
import type { MailView } from '@/app/lib/mail/use-mail-route';

/**
 * The mail client: folders, the message list and the reading pane side by side on wide screens;
 * on a phone one at a time (list, then the message with a Back button). "New message" (or the
 * key c) opens a compose window in the dock at the bottom right, beside any already open.
 */
export function Mailbox({ address }: { address: string }) {
  const route = useMailRoute();
  const counts = useMailCounts();
  const compose = useComposeController(address);
  const organizeCounts = useOrganizeCounts();
  const bulk = useBulk();
  useNewMailEvents();
  useDesktopNotifications();
  useForgetDecryptedOnUnmount();

  const { openNew } = compose;
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      // Not behind a modal dialog (the docked compose windows are not modal: c opens another beside them).
      if (event.key === 'c' && isNavigationTarget(event) && !event.shiftKey && shortcutSetting.load() && !document.querySelector('dialog[open]')) {
        event.preventDefault();
        openNew();
      }
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [openNew]);

  const reading = route.messageId !== null;
  const inboxUnread = counts.data?.inbox.unread ?? 0;
  // The tab says how much is unread, as Gmail's does.
  useEffect(() => {
    // With nothing unread the title stays the app's own, as the layout sets it.
    document.title = inboxUnread > 0 ? `(${inboxUnread}) Inbox – Sealpost` : 'Sealpost';
    return () => {
      document.title = 'Sealpost';
    };
  }, [inboxUnread]);

  return (
    <main className="flex min-h-0 flex-1 flex-col md:flex-row">
      <div className={`shrink-0 space-y-2 border-b border-slate-200 bg-white p-2 md:w-48 md:border-b-0 md:border-r ${reading ? 'hidden md:block' : ''}`}>
        <Button className="w-full" onClick={openNew} aria-keyshortcuts="c">
          <DraftIcon />
          New message
        </Button>
        <SearchBox />
        <FolderNav current={route.folder} unread={unreadByFolder(counts.data, organizeCounts.data?.folders)} onSelect={route.openFolder} />
        <OwnFolderNav current={route.folder} counts={organizeCounts.data?.folders} onSelect={route.openFolder} />
        <LabelNav counts={organizeCounts.data?.labels} />
      </div>

      {route.folder === 'scheduled' ? (
        <section aria-labelledby="mailbox-heading" className="flex min-h-0 flex-1 flex-col bg-white">
          <h1 id="mailbox-heading" className="border-b border-slate-100 px-4 py-3 text-xl font-semibold">
            {FOLDER_NAMES.scheduled}
          </h1>
          <ScheduledList />
        </section>
      ) : (
        <MailPanel key={route.folder} route={{ ...route, folder: route.folder }} onOpenDraft={compose.openDraft} onReply={compose.openReply} bulk={bulk} />
      )}

      {compose.openError ? (
        <div className="fixed right-4 top-16 z-40 max-w-sm">
          <Alert>{compose.openError}</Alert>
        </div>
      ) : null}

      <ComposeDock
        dock={compose.dock}
        fromAddresses={compose.addresses.length ? compose.addresses : [{ address, kind: 'primary', isDefault: true }]}
        mailDomain={compose.mailDomain}
        attachmentLimit={compose.attachmentLimit}
        onSend={compose.send}
        onDiscard={compose.discard}
      />
      <UndoToast entry={bulk.undoable} onUndo={() => void bulk.undo()} onDismiss={bulk.dismiss} />
      <OutgoingToast
        toast={compose.outgoing.toast}
        onUndo={() => void compose.undo()}
        onRetry={() => void compose.outgoing.retry()}
        onDismiss={compose.outgoing.dismiss}
      />
    </main>
  );
}

/** Unread per folder: the organize counts know every folder; the older counts stand in until they load. */
function unreadByFolder(
  counts: Record<string, { unread: number }> | undefined,
  all: Record<string, { unread: number }> | undefined,
): Partial<Record<MailView, number>> {
  const source = all ?? counts ?? {};
  return Object.fromEntries(Object.entries(source).map(([folder, c]) => [folder, c.unread]));
}
