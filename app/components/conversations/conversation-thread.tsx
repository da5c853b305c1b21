'use client';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { Alert, Button, Spinner } from '@/app/components/ui';
import type { ReplyMode } from '@/app/lib/compose/quote';
import { useConversationActions, useConversationThread } from '@/app/lib/conversations/use-conversations';
import { formatListDate } from '@/app/lib/mail/format';
import type { ParsedMessage } from '@/app/lib/mail/parse-message';
import { type SummaryResult, senderLabel, subjectLabel } from '@/app/lib/mail/summary-reader';
import { useOpenedMessage } from '@/app/lib/mail/use-mail';
import { errorMessage } from '@/app/lib/trpc';
import type { ListFolder } from '@/app/lib/mail/use-mail-route';
import { BackIcon, ReplyIcon } from '../mail/icons';
import { MessageView } from '../mail/message-view';

/** Which message opens expanded: the oldest unread one you received, else the newest. */
export function initiallyExpanded(items: { id: string; seen: boolean; folder: string }[]): string | null {
  return items.find((m) => !m.seen && m.folder !== 'sent')?.id ?? items[items.length - 1]?.id ?? null;
}

/**
 * An open conversation: its messages stacked oldest first, the first unread (or the last) expanded.
 * Read, unread, delete and restore apply to the whole conversation.
 */
export function ConversationThread({
  conversationKey,
  folder,
  onBack,
  onGone,
  onReply,
  actions,
}: {
  conversationKey: string;
  folder: ListFolder;
  onBack: () => void;
  onGone: () => void;
  onReply: (message: ParsedMessage, mode: ReplyMode) => void;
  /** Archive, Delete, Spam, Star, Label: the list's, applied to this conversation. */
  actions: ReactNode;
}) {
  const { thread, items, summaries } = useConversationThread(conversationKey);
  const conversationActions = useConversationActions();
  const [expanded, setExpanded] = useState<Set<string> | null>(null);
  const keys = [conversationKey];
  const unread = items.some((m) => !m.seen);

  // Opening the conversation reads it, once; "Mark as unread" afterwards sticks.
  const marked = useRef(false);
  const { mutate: setSeen } = conversationActions.setSeen;
  useEffect(() => {
    if (marked.current || items.length === 0) return;
    marked.current = true;
    const first = initiallyExpanded(items);
    setExpanded(new Set(first ? [first] : []));
    if (items.some((m) => !m.seen)) setSeen({ keys: [conversationKey], seen: true });
  }, [items, conversationKey, setSeen]);

  const failure = conversationActions.setSeen.error ?? conversationActions.move.error;
  const firstSummary = items[0] ? summaries.data?.[items[0].id] : undefined;
  const toggle = (id: string) =>
    setExpanded((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <div role="toolbar" aria-label="Conversation actions" className="flex flex-wrap items-center gap-2 border-b border-slate-200 bg-white px-3 py-2">
        <Button variant="ghost" className="md:hidden" onClick={onBack}>
          <BackIcon />
          Back
        </Button>
        <Button variant="secondary" onClick={() => conversationActions.setSeen.mutate({ keys, seen: unread })}>
          {unread ? 'Mark conversation as read' : 'Mark conversation as unread'}
        </Button>
        {folder === 'trash' ? (
          <Button
            variant="secondary"
            loading={conversationActions.move.isPending}
            onClick={() => conversationActions.move.mutate({ keys, from: 'trash', to: 'inbox' }, { onSuccess: onGone })}
          >
            Restore conversation
          </Button>
        ) : null}
        {actions}
      </div>
      {failure ? (
        <div className="px-4 pt-3">
          <Alert>{errorMessage(failure)}</Alert>
        </div>
      ) : null}
      <div className="min-h-0 flex-1 overflow-y-auto">
        {thread.isPending ? (
          <div className="p-6 text-sm text-slate-600">
            <Spinner label="Loading conversation…" />
          </div>
        ) : thread.isError ? (
          <div className="space-y-3 p-6">
            <Alert>{errorMessage(thread.error)}</Alert>
            <Button variant="secondary" onClick={() => thread.refetch()}>
              Try again
            </Button>
          </div>
        ) : (
          <>
            <h2 className="px-4 pt-4 text-xl font-semibold md:px-6">
              {firstSummary?.status === 'ok' ? subjectLabel(firstSummary.summary.subject) : 'Conversation'}
              <span className="ml-2 text-sm font-normal text-slate-500">· {items.length} messages</span>
            </h2>
            <ol aria-label="Messages in this conversation" className="space-y-2 p-2 md:p-4">
              {items.map((m) => (
                <li key={m.id} data-testid="thread-message" className="rounded-xl border border-slate-200 bg-white">
                  <ThreadEntry
                    id={m.id}
                    receivedAt={m.receivedAt}
                    summary={summaries.data?.[m.id]}
                    open={expanded?.has(m.id) ?? false}
                    onToggle={() => toggle(m.id)}
                    onReply={onReply}
                  />
                </li>
              ))}
            </ol>
          </>
        )}
      </div>
    </div>
  );
}

function ThreadEntry({
  id,
  receivedAt,
  summary,
  open,
  onToggle,
  onReply,
}: {
  id: string;
  receivedAt: string;
  summary: SummaryResult | undefined;
  open: boolean;
  onToggle: () => void;
  onReply: (message: ParsedMessage, mode: ReplyMode) => void;
}) {
  const who = summary?.status === 'ok' ? senderLabel(summary.summary) : summary ? 'Unreadable message' : 'Decrypting…';
  return (
    <>
      <button type="button" aria-expanded={open} onClick={onToggle} className="flex w-full items-center gap-2 px-4 py-2 text-left hover:bg-slate-50">
        <span className="truncate text-sm font-medium">{who}</span>
        {!open && summary?.status === 'ok' ? <span className="truncate text-xs text-slate-500">{summary.summary.snippet}</span> : null}
        <time dateTime={receivedAt} className="ml-auto shrink-0 text-xs text-slate-500">
          {formatListDate(receivedAt, new Date())}
        </time>
      </button>
      {open ? <ExpandedMessage id={id} summary={summary} onReply={onReply} /> : null}
    </>
  );
}

function ExpandedMessage({
  id,
  summary,
  onReply,
}: {
  id: string;
  summary: SummaryResult | undefined;
  onReply: (message: ParsedMessage, mode: ReplyMode) => void;
}) {
  const opened = useOpenedMessage(id);
  if (opened.isPending) {
    return (
      <div className="p-4 text-sm text-slate-600">
        <Spinner label="Decrypting message…" />
      </div>
    );
  }
  if (opened.isError)
    return (
      <div className="p-4">
        <Alert>{errorMessage(opened.error)}</Alert>
      </div>
    );
  const result = opened.data.opened;
  if (result.status !== 'ok') {
    return (
      <div className="p-4">
        <Alert>This message could not be decrypted or displayed.</Alert>
      </div>
    );
  }
  return (
    <div className="border-t border-slate-100">
      <MessageView
        message={result.message}
        summary={summary?.status === 'ok' ? summary.summary : undefined}
        origin={opened.data.origin}
        senderEncrypted={result.senderEncrypted}
      />
      <div className="flex gap-2 px-4 pb-4 md:px-6">
        <Button variant="secondary" onClick={() => onReply(result.message, 'reply')}>
          <ReplyIcon />
          Reply
        </Button>
        <Button variant="secondary" onClick={() => onReply(result.message, 'reply-all')}>
          Reply all
        </Button>
        <Button variant="secondary" onClick={() => onReply(result.message, 'forward')}>
          Forward
        </Button>
      </div>
    </div>
  );
}
