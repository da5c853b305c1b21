'use client';
import { useEffect, useMemo, useRef } from 'react';
import type { ReplyMode } from '@/app/lib/compose/quote';
import { isNavigationTarget } from '@/app/lib/mail/list-navigation';
import type { ParsedMessage } from '@/app/lib/mail/parse-message';
import { type ListFolder, type MailRoute, isOwnFolder } from '@/app/lib/mail/use-mail-route';
import { useMailList } from '@/app/lib/mail/use-mail';
import type { MailFolder } from '@/mime/folders';
import type { useBulk } from '@/app/lib/mail/use-organize';
import { MessageList } from './message-list';
import { ReadingPane } from './reading-pane';
import { OpenPickMenus } from './open-actions';
import { type OrganizeRows, useListOrganize } from './use-list-organize';

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
  const rows = useMemo((): OrganizeRows => {
    const byId = new Map(items.map((m) => [m.id, m]));
    return {
      noun: 'message',
      order: items.map((m) => m.id),
      more: !!list.hasNextPage,
      rowOf: (id) => id,
      starred: (id) => byId.get(id)?.starred ?? false,
      labelIds: (id) => byId.get(id)?.labelIds ?? [],
      target: (ids) => ({ ids }),
      all: { folder: route.folder },
    };
  }, [items, list.hasNextPage, route.folder]);
  const organize = useListOrganize(route, rows, bulk);

  return (
    <>
      <section
        aria-labelledby="mailbox-heading"
        className={`${reading ? 'hidden md:flex' : 'flex'} min-h-0 flex-1 flex-col border-slate-200 bg-white md:w-80 md:flex-none md:border-r lg:w-96`}
      >
        {organize.heading}
        {isDrafts ? null : organize.toolbar}
        {organize.error}
        <MessageList
          list={list}
          items={items}
          summaries={summaries}
          selectedId={messageId}
          emptyText={emptyFolderText(route.folder)}
          showRecipients={route.folder === 'sent' || isDrafts}
          onOpen={isDrafts ? onOpenDraft : route.openMessage}
          rowSelection={isDrafts ? undefined : (row) => organize.rowSelection(row.id)}
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
            menus={isDrafts ? undefined : <OpenPickMenus noun="message" organize={organize} />}
          />
        ) : (
          <p className="m-auto p-6 text-sm text-slate-500">{isDrafts ? 'Open a draft to go on writing it.' : 'Select a message to read it.'}</p>
        )}
      </section>
    </>
  );
}
