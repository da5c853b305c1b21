'use client';
import { formatListDate } from '@/app/lib/mail/format';
import { recipientsLabel, senderLabel, subjectLabel, type SummaryResult } from '@/app/lib/mail/summary-reader';
import type { MailListItem } from '@/app/lib/mail/use-mail';
import { PaperclipIcon, StarIcon, WarningIcon } from './icons';

/** Row-level choices: the checkbox (with Shift for a range), the star and the labels, bound to the row. */
export interface RowSelection {
  checked: boolean;
  /** The star shown: the message's, or whether any message of a conversation is starred. */
  starred: boolean;
  onCheck: (range: boolean) => void;
  onStar: (starred: boolean) => void;
  labels: { id: string; name: string; chip: string }[];
}

/** A row's checkbox and star, beside the button that opens it (plain list and conversation view alike). */
export function RowControls({ selection, name }: { selection: RowSelection; name: string }) {
  return (
    <div className="flex shrink-0 flex-col items-center gap-1 pl-2 pt-3">
      <input
        type="checkbox"
        data-testid="row-checkbox"
        aria-label={`Select ${name}`}
        checked={selection.checked}
        onChange={() => undefined}
        onClick={(event) => selection.onCheck(event.shiftKey)}
        className="h-4 w-4 accent-brand-600"
      />
      <button
        type="button"
        aria-label={selection.starred ? `Unstar ${name}` : `Star ${name}`}
        aria-pressed={selection.starred}
        data-testid="row-star"
        onClick={() => selection.onStar(!selection.starred)}
        className={`rounded p-0.5 ${selection.starred ? 'text-amber-600' : 'text-slate-500 hover:text-slate-700'}`}
      >
        <StarIcon filled={selection.starred} />
      </button>
    </div>
  );
}

/** The label chips under a row. */
export function RowLabels({ labels }: { labels: RowSelection['labels'] }) {
  if (!labels.length) return null;
  return (
    <span className="mt-1 flex flex-wrap gap-1 pl-4">
      {labels.map((label) => (
        <span key={label.id} data-testid="row-label" className={`rounded px-1.5 text-xs ${label.chip}`}>
          {label.name}
        </span>
      ))}
    </span>
  );
}

/** One row of the list: a checkbox, a star, and a focusable button that opens the message. */
/** The row's background, the same in the plain list and in conversation view: open, checked, unread, read. */
export function rowWrapClass(selected: boolean, checked: boolean, unread: boolean): string {
  return `flex items-start ${selected ? 'bg-brand-50' : checked ? 'bg-amber-50' : unread ? 'bg-white' : 'bg-slate-50/60'}`;
}

export function MessageRow({
  item,
  summary,
  selected,
  now,
  showRecipients = false,
  onOpen,
  selection,
}: {
  item: MailListItem;
  /** undefined while it is being decrypted. */
  summary: SummaryResult | undefined;
  selected: boolean;
  now: Date;
  showRecipients?: boolean;
  onOpen: (id: string) => void;
  selection?: RowSelection;
}) {
  const unread = !item.seen;
  const name = summary?.status === 'ok' ? subjectLabel(summary.summary.subject) : 'this message';
  return (
    <div className={rowWrapClass(selected, selection?.checked ?? false, unread)} data-testid="message-row-wrap">
      {selection ? <RowControls selection={selection} name={name} /> : null}
      <button
        type="button"
        data-message-id={item.id}
        data-testid="message-row"
        data-unread={unread}
        data-starred={item.starred}
        aria-current={selected ? 'true' : undefined}
        onClick={() => onOpen(item.id)}
        className={`block min-w-0 flex-1 px-4 py-3 text-left outline-offset-[-2px] ${selected ? '' : 'hover:bg-slate-100/60'}`}
      >
        <div className="flex items-center gap-2">
          <span className={`h-2 w-2 shrink-0 rounded-full ${unread ? 'bg-brand-600' : ''}`} aria-hidden="true" />
          {unread ? <span className="sr-only">Unread: </span> : null}
          <RowHeadline summary={summary} unread={unread} showRecipients={showRecipients} />
          {/* slate-600 on the selected row's brand-50: slate-500 there was 4.31:1, under WCAG's 4.5:1. */}
          <time dateTime={item.receivedAt} className={`ml-auto shrink-0 text-xs ${selected ? 'text-slate-600' : 'text-slate-500'}`}>
            {formatListDate(item.receivedAt, now)}
          </time>
        </div>
        <RowBody summary={summary} unread={unread} />
        {selection ? <RowLabels labels={selection.labels} /> : null}
      </button>
    </div>
  );
}

function RowHeadline({ summary, unread, showRecipients }: { summary: SummaryResult | undefined; unread: boolean; showRecipients: boolean }) {
  if (!summary) {
    return (
      <>
        <span className="h-3 w-32 animate-pulse rounded bg-slate-200" aria-hidden="true" />
        <span className="sr-only">Decrypting…</span>
      </>
    );
  }
  if (summary.status !== 'ok') {
    return (
      <span className="flex min-w-0 items-center gap-1 text-sm text-red-700">
        <WarningIcon />
        <span className="truncate">This message could not be decrypted</span>
      </span>
    );
  }
  const hasAttachments = summary.summary.attachments.length > 0;
  return (
    <span className="flex min-w-0 items-center gap-1">
      <span className={`truncate text-sm ${unread ? 'font-semibold text-slate-900' : 'text-slate-700'}`}>
        {showRecipients ? recipientsLabel(summary.summary) : senderLabel(summary.summary)}
      </span>
      {hasAttachments ? <PaperclipIcon label="Has attachments" className="h-3.5 w-3.5 text-slate-500" /> : null}
    </span>
  );
}

function RowBody({ summary, unread }: { summary: SummaryResult | undefined; unread: boolean }) {
  if (!summary) {
    return (
      <div className="mt-2 space-y-1.5 pl-4" aria-hidden="true">
        <div className="h-3 w-3/4 animate-pulse rounded bg-slate-200" />
        <div className="h-3 w-1/2 animate-pulse rounded bg-slate-100" />
      </div>
    );
  }
  if (summary.status !== 'ok') {
    return <p className="mt-1 pl-4 text-xs text-slate-500">You can still delete it.</p>;
  }
  return (
    <div className="mt-0.5 pl-4">
      <p className={`truncate text-sm ${unread ? 'font-semibold text-slate-900' : 'text-slate-800'}`}>{subjectLabel(summary.summary.subject)}</p>
      {summary.summary.snippet ? <p className="truncate text-xs text-slate-600">{summary.summary.snippet}</p> : null}
    </div>
  );
}
