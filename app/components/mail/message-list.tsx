'use client';
import type { KeyboardEvent } from 'react';
import { Alert, Button, Spinner } from '@/app/components/ui';
import { isNavigationTarget, nextRowIndex } from '@/app/lib/mail/list-navigation';
import type { SummaryResult } from '@/app/lib/mail/summary-reader';
import type { MailListItem, useMailList } from '@/app/lib/mail/use-mail';
import { errorMessage } from '@/app/lib/trpc';
import { MessageRow, type RowSelection } from './message-row';

type ListQuery = ReturnType<typeof useMailList>['list'];
type SummariesQuery = ReturnType<typeof useMailList>['summaries'];

export function MessageList({
  list,
  items,
  summaries,
  selectedId,
  emptyText,
  showRecipients = false,
  onOpen,
  rowSelection,
}: {
  list: ListQuery;
  items: MailListItem[];
  summaries: SummariesQuery;
  selectedId: string | null;
  emptyText: string;
  /** Sent and Drafts: a row names whom it is to, not who it is from. */
  showRecipients?: boolean;
  onOpen: (id: string) => void;
  /** Checkbox, star and labels per row; none in Drafts. */
  rowSelection?: (item: MailListItem) => RowSelection;
}) {
  if (list.isPending) {
    return (
      <div className="p-4 text-sm text-slate-600">
        <Spinner label="Loading messages…" />
      </div>
    );
  }
  if (list.isError && !list.data) {
    return (
      <div className="space-y-3 p-4">
        <Alert>{errorMessage(list.error)}</Alert>
        <Button variant="secondary" onClick={() => list.refetch()}>
          Try again
        </Button>
      </div>
    );
  }
  if (items.length === 0) return <p className="p-6 text-center text-sm text-slate-600">{emptyText}</p>;

  const now = new Date();
  const summaryOf = (id: string): SummaryResult | undefined => summaries.data?.[id] ?? (summaries.isError ? { status: 'decrypt-failed' } : undefined);

  // j/k and the arrow keys move the focus between rows; Enter (the button's own) opens one.
  const onKeyDown = (event: KeyboardEvent<HTMLUListElement>) => {
    if (!isNavigationTarget(event.nativeEvent)) return;
    const rows = [...event.currentTarget.querySelectorAll<HTMLButtonElement>('button[data-message-id]')];
    const current = rows.findIndex((row) => row === document.activeElement);
    const next = nextRowIndex(event.key, current, rows.length);
    if (next === null) return;
    event.preventDefault();
    rows[next]?.focus();
  };

  return (
    <div className="min-h-0 flex-1 overflow-y-auto">
      {list.isRefetchError ? (
        <div className="flex items-center gap-2 p-3">
          <Alert>{errorMessage(list.error)}</Alert>
          <Button variant="secondary" onClick={() => list.refetch()}>
            Try again
          </Button>
        </div>
      ) : null}
      <ul aria-label="Messages" className="divide-y divide-slate-100" onKeyDown={onKeyDown}>
        {items.map((item) => (
          <li key={item.id}>
            <MessageRow
              item={item}
              summary={summaryOf(item.id)}
              selected={item.id === selectedId}
              now={now}
              showRecipients={showRecipients}
              onOpen={onOpen}
              selection={rowSelection?.(item)}
            />
          </li>
        ))}
      </ul>
      {list.hasNextPage ? (
        <div className="p-4 text-center">
          <Button variant="secondary" loading={list.isFetchingNextPage} onClick={() => list.fetchNextPage()}>
            Load older messages
          </Button>
        </div>
      ) : null}
      {list.isFetchNextPageError ? (
        <div className="p-4">
          <Alert>{errorMessage(list.error)}</Alert>
        </div>
      ) : null}
    </div>
  );
}
