'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Spinner } from '@/app/components/ui';
import { formatFullDate } from '@/app/lib/mail/format';
import { errorMessage, useTRPC } from '@/app/lib/trpc';

/**
 * Messages waiting in the outbound queue for their time (scheduled send, or the undo window). The
 * queue holds only the envelope in plaintext, so this lists recipients and times; the content is
 * in Sent, encrypted to you.
 */
export function ScheduledList() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.outbound.list.queryOptions({ limit: 100 }, { refetchInterval: 30_000 }));
  const cancel = useMutation(
    trpc.outbound.cancel.mutationOptions({ onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.outbound.list.pathKey() }) }),
  );
  if (list.isPending) {
    return (
      <div className="p-4 text-sm text-slate-600">
        <Spinner label="Loading scheduled messages…" />
      </div>
    );
  }
  if (list.isError) return <div className="p-4"><Alert>{errorMessage(list.error)}</Alert></div>;
  const scheduled = list.data.filter((m) => m.status === 'scheduled').sort((a, b) => a.sendAt.localeCompare(b.sendAt));
  if (scheduled.length === 0) return <p className="p-6 text-center text-sm text-slate-600">Nothing is scheduled.</p>;
  return (
    <div className="min-h-0 flex-1 overflow-y-auto">
      {cancel.error ? (
        <div className="p-3">
          <Alert>{errorMessage(cancel.error)}</Alert>
        </div>
      ) : null}
      <ul aria-label="Scheduled messages" className="divide-y divide-slate-100">
        {scheduled.map((m) => {
          const to = m.recipients.map((r) => r.address).join(', ');
          return (
            <li key={m.id} data-testid="scheduled-row" className="flex items-center gap-3 px-4 py-3">
              <div className="min-w-0 flex-1">
                <p className="truncate text-sm font-medium">To {to}</p>
                <p className="text-xs text-slate-500">
                  Sends <time dateTime={m.sendAt}>{formatFullDate(m.sendAt)}</time> · from {m.from}
                </p>
              </div>
              <Button
                variant="secondary"
                loading={cancel.isPending && cancel.variables?.id === m.id}
                aria-label={`Cancel the message to ${to}`}
                onClick={() => cancel.mutate({ id: m.id })}
              >
                Cancel
              </Button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
