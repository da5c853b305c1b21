'use client';
import { useEffect, useRef } from 'react';
import type { ReplyMode } from '@/app/lib/compose/quote';
import { isNavigationTarget } from '@/app/lib/mail/list-navigation';
import type { ParsedMessage } from '@/app/lib/mail/parse-message';
import type { MailRoute } from '@/app/lib/mail/use-mail-route';
import { useMailList } from '@/app/lib/mail/use-mail';
import type { MailFolder } from '@/mime/folders';
import { FOLDER_NAMES } from './folder-nav';
import { MessageList } from './message-list';
import { ReadingPane } from './reading-pane';

const EMPTY: Record<MailFolder, string> = {
  inbox: 'No messages yet.',
  drafts: 'No drafts.',
  sent: 'Nothing sent yet.',
  trash: 'Trash is empty.',
  archive: 'Nothing archived.',
  spam: 'No spam.',
};

/** One folder: its message list and the reading pane. In Drafts, opening a row resumes the draft. */
export function FolderPanel({
  route,
  onOpenDraft,
  onReply,
}: {
  route: MailRoute & { folder: MailFolder };
  onOpenDraft: (id: string) => void;
  onReply: (message: ParsedMessage, mode: ReplyMode) => void;
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

  return (
    <>
      <section
        aria-labelledby="mailbox-heading"
        className={`${reading ? 'hidden md:flex' : 'flex'} min-h-0 flex-1 flex-col border-slate-200 bg-white md:w-80 md:flex-none md:border-r lg:w-96`}
      >
        <h1 id="mailbox-heading" className="border-b border-slate-100 px-4 py-3 text-xl font-semibold">
          {FOLDER_NAMES[route.folder]}
        </h1>
        <MessageList
          list={list}
          items={items}
          summaries={summaries}
          selectedId={messageId}
          emptyText={EMPTY[route.folder]}
          showRecipients={route.folder === 'sent' || isDrafts}
          onOpen={isDrafts ? onOpenDraft : route.openMessage}
        />
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
