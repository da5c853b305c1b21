'use client';
import type { Conversation } from '@/app/lib/conversations/use-conversations';
import { formatListDate } from '@/app/lib/mail/format';
import { type SummaryResult, senderLabel, subjectLabel } from '@/app/lib/mail/summary-reader';
import { PaperclipIcon, WarningIcon } from '../mail/icons';
import { RowControls, RowLabels, type RowSelection, rowWrapClass } from '../mail/message-row';

/** Who took part, newest first, without repeats: "Bob, Alice". */
export function participantsLabel(conversation: Conversation, summaryOf: (id: string) => SummaryResult | undefined): string | null {
  const names: string[] = [];
  for (const m of conversation.recent) {
    const s = summaryOf(m.id);
    if (s?.status !== 'ok') continue;
    const name = senderLabel(s.summary);
    if (!names.includes(name)) names.push(name);
  }
  return names.length ? names.join(', ') : null;
}

/** One conversation: participants, how many messages, the latest subject and snippet, unread state. */
export function ConversationRow({
  conversation,
  summaryOf,
  selected,
  now,
  onOpen,
  selection,
}: {
  conversation: Conversation;
  summaryOf: (id: string) => SummaryResult | undefined;
  selected: boolean;
  now: Date;
  onOpen: (id: string) => void;
  /** Checkbox, star and labels: they apply to every message of the conversation. */
  selection?: RowSelection;
}) {
  const latest = conversation.latest;
  const unread = conversation.unread > 0;
  const summary = summaryOf(latest.id);
  const people = participantsLabel(conversation, summaryOf);
  const name = summary?.status === 'ok' ? `the conversation ${subjectLabel(summary.summary.subject)}` : 'this conversation';
  return (
    <div className={rowWrapClass(selected, selection?.checked ?? false, unread)} data-testid="message-row-wrap">
      {selection ? <RowControls selection={selection} name={name} /> : null}
      <button
        type="button"
        data-message-id={latest.id}
        data-testid="message-row"
        data-conversation-count={conversation.count}
        data-unread={unread}
        data-starred={conversation.starred > 0}
        aria-current={selected ? 'true' : undefined}
        onClick={() => onOpen(latest.id)}
        className={`block min-w-0 flex-1 px-4 py-3 text-left outline-offset-[-2px] ${selected ? '' : 'hover:bg-slate-100/60'}`}
      >
        <div className="flex items-center gap-2">
          <span className={`h-2 w-2 shrink-0 rounded-full ${unread ? 'bg-brand-600' : ''}`} aria-hidden="true" />
          {unread ? <span className="sr-only">Unread: </span> : null}
          {!summary ? (
            <>
              <span className="h-3 w-32 animate-pulse rounded bg-slate-200" aria-hidden="true" />
              <span className="sr-only">Decrypting…</span>
            </>
          ) : summary.status !== 'ok' ? (
            <span className="flex min-w-0 items-center gap-1 text-sm text-red-700">
              <WarningIcon />
              <span className="truncate">This message could not be decrypted</span>
            </span>
          ) : (
            <span className="flex min-w-0 items-center gap-1">
              <span className={`truncate text-sm ${unread ? 'font-semibold text-slate-900' : 'text-slate-700'}`}>{people ?? senderLabel(summary.summary)}</span>
              {conversation.count > 1 ? (
                <span className="shrink-0 rounded bg-slate-200 px-1.5 text-xs text-slate-700" data-testid="conversation-count">
                  <span className="sr-only">, </span>
                  {conversation.count}
                  <span className="sr-only"> messages</span>
                </span>
              ) : null}
              {summary.summary.attachments.length > 0 ? <PaperclipIcon label="Has attachments" className="h-3.5 w-3.5 text-slate-500" /> : null}
            </span>
          )}
          <time dateTime={latest.receivedAt} className={`ml-auto shrink-0 text-xs ${selected ? 'text-slate-600' : 'text-slate-500'}`}>
            {formatListDate(latest.receivedAt, now)}
          </time>
        </div>
        {summary?.status === 'ok' ? (
          <div className="mt-0.5 pl-4">
            <p className={`truncate text-sm ${unread ? 'font-semibold text-slate-900' : 'text-slate-800'}`}>{subjectLabel(summary.summary.subject)}</p>
            {summary.summary.snippet ? <p className="truncate text-xs text-slate-600">{summary.summary.snippet}</p> : null}
          </div>
        ) : null}
        {selection ? <RowLabels labels={selection.labels} /> : null}
      </button>
    </div>
  );
}
