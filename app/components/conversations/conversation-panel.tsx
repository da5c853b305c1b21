'use client';
import { type KeyboardEvent as ReactKeyboardEvent, useEffect, useMemo, useRef } from 'react';
import { Alert, Button, Spinner } from '@/app/components/ui';
import type { ReplyMode } from '@/app/lib/compose/quote';
import { conversationRowId, conversationTarget } from '@/app/lib/conversations/conversation-rows';
import { useConversationList, useConversationPlacement } from '@/app/lib/conversations/use-conversations';
import { isNavigationTarget, nextRowIndex } from '@/app/lib/mail/list-navigation';
import type { ParsedMessage } from '@/app/lib/mail/parse-message';
import type { SummaryResult } from '@/app/lib/mail/summary-reader';
import type { ListFolder, MailRoute } from '@/app/lib/mail/use-mail-route';
import type { useBulk } from '@/app/lib/mail/use-organize';
import { errorMessage } from '@/app/lib/trpc';
import { MessageRow } from '../mail/message-row';
import { ReadingPane } from '../mail/reading-pane';
import { emptyFolderText } from '../mail/folder-panel';
import { OpenActions, OpenPickMenus } from '../mail/open-actions';
import { type OrganizeRows, useListOrganize } from '../mail/use-list-organize';
import { ConversationRow } from './conversation-row';
import { ConversationThread } from './conversation-thread';

/** j/k and the arrow keys move the focus between rows, as in the plain list. */
function onListKeyDown(event: ReactKeyboardEvent<HTMLUListElement>) {
  if (!isNavigationTarget(event.nativeEvent)) return;
  const rows = [...event.currentTarget.querySelectorAll<HTMLButtonElement>('button[data-message-id]')];
  const next = nextRowIndex(
    event.key,
    rows.findIndex((row) => row === document.activeElement),
    rows.length,
  );
  if (next === null) return;
  event.preventDefault();
  rows[next]?.focus();
}

/** A folder as conversations: rows grouped by thread, and the open conversation beside them. */
export function ConversationPanel({
  route,
  onReply,
  bulk,
}: {
  route: MailRoute & { folder: ListFolder };
  onReply: (message: ParsedMessage, mode: ReplyMode) => void;
  bulk: ReturnType<typeof useBulk>;
}) {
  useConversationPlacement();
  const { list, conversations, summaries } = useConversationList(route.folder);
  // The plain list's selection, toolbar and shortcuts, with a row being a whole conversation.
  const rows = useMemo((): OrganizeRows => {
    const byRow = new Map(conversations.map((c) => [conversationRowId(c), c]));
    const rowOfMessage = new Map<string, string>();
    for (const c of conversations) for (const m of [c.latest, ...c.recent]) if (!rowOfMessage.has(m.id)) rowOfMessage.set(m.id, conversationRowId(c));
    return {
      noun: 'conversation',
      order: [...byRow.keys()],
      more: !!list.hasNextPage,
      rowOf: (id) => rowOfMessage.get(id) ?? null,
      starred: (row) => (byRow.get(row)?.starred ?? 0) > 0,
      labelIds: (row) => {
        const c = byRow.get(row);
        return c ? [...new Set([c.latest, ...c.recent].flatMap((m) => m.labelIds))] : [];
      },
      target: (ids) => conversationTarget(ids, route.folder),
      all: { conversationsIn: route.folder },
    };
  }, [conversations, list.hasNextPage, route.folder]);
  const organize = useListOrganize(route, rows, bulk);
  const { messageId, closeMessage } = route;
  const reading = messageId !== null;

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

  // The route names a message; its conversation is the row it heads or belongs to.
  const open = messageId ? conversations.find((c) => c.latest.id === messageId || c.recent.some((m) => m.id === messageId)) : undefined;
  const summaryOf = (id: string): SummaryResult | undefined => summaries.data?.[id] ?? (summaries.isError ? { status: 'decrypt-failed' } : undefined);
  const now = new Date();

  return (
    <>
      <section
        aria-labelledby="mailbox-heading"
        className={`${reading ? 'hidden md:flex' : 'flex'} min-h-0 flex-1 flex-col border-slate-200 bg-white md:w-80 md:flex-none md:border-r lg:w-96`}
      >
        {organize.heading}
        {organize.toolbar}
        {organize.error}
        {list.isPending ? (
          <div className="p-4 text-sm text-slate-600">
            <Spinner label="Loading conversations…" />
          </div>
        ) : list.isError && !list.data ? (
          <div className="space-y-3 p-4">
            <Alert>{errorMessage(list.error)}</Alert>
            <Button variant="secondary" onClick={() => list.refetch()}>
              Try again
            </Button>
          </div>
        ) : conversations.length === 0 ? (
          <p className="p-6 text-center text-sm text-slate-600">{emptyFolderText(route.folder)}</p>
        ) : (
          <div className="min-h-0 flex-1 overflow-y-auto">
            <ul aria-label="Messages" className="divide-y divide-slate-100" onKeyDown={onListKeyDown}>
              {conversations.map((c) => (
                <li key={c.latest.id}>
                  {c.key && c.count > 1 ? (
                    <ConversationRow
                      conversation={c}
                      summaryOf={summaryOf}
                      selected={c === open}
                      now={now}
                      onOpen={route.openMessage}
                      selection={organize.rowSelection(conversationRowId(c))}
                    />
                  ) : (
                    // A conversation of one reads as the message it is.
                    <MessageRow
                      item={c.latest}
                      summary={summaryOf(c.latest.id)}
                      selected={c === open}
                      now={now}
                      showRecipients={route.folder === 'sent'}
                      onOpen={route.openMessage}
                      selection={organize.rowSelection(conversationRowId(c))}
                    />
                  )}
                </li>
              ))}
            </ul>
            {list.hasNextPage ? (
              <div className="p-4 text-center">
                <Button variant="secondary" loading={list.isFetchingNextPage} onClick={() => list.fetchNextPage()}>
                  Load older conversations
                </Button>
              </div>
            ) : null}
          </div>
        )}
        {organize.help}
      </section>
      <section aria-label="Conversation" className={`${reading ? 'flex' : 'hidden md:flex'} min-h-0 flex-1 flex-col`}>
        {messageId && open?.key && open.count > 1 ? (
          <ConversationThread
            key={open.key}
            conversationKey={open.key}
            folder={route.folder}
            onBack={closeMessage}
            onGone={closeMessage}
            onReply={onReply}
            actions={<OpenActions folder={route.folder} organize={organize} starred={rows.starred(conversationRowId(open))} />}
          />
        ) : messageId ? (
          <ReadingPane
            key={messageId}
            id={messageId}
            item={open?.latest}
            summary={summaries.data?.[messageId]}
            onBack={closeMessage}
            onGone={closeMessage}
            onReply={onReply}
            menus={<OpenPickMenus noun="message" organize={organize} />}
          />
        ) : (
          <p className="m-auto p-6 text-sm text-slate-500">Select a message to read it.</p>
        )}
      </section>
    </>
  );
}
