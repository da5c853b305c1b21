'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Spinner } from '@/app/components/ui';
import { type ScheduledEntry, scheduledEntries } from '@/app/lib/compose/scheduled-entries';
import { formatFullDate } from '@/app/lib/mail/format';
import { subjectOf, useScheduledSubjects } from '@/app/lib/compose/use-scheduled-subjects';
import { errorMessage, useTRPC, useTRPCClient } from '@/app/lib/trpc';

/**
 * Messages waiting for their time: in the outbound queue (scheduled send, or the undo window) and
 * scheduled for mailboxes on this server. The server holds the envelope in plaintext and the
 * content only encrypted to the recipients, so this lists recipients and times; the content is in
 * Sent, encrypted to you.
 */
export function ScheduledList() {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const outbound = useQuery(trpc.outbound.list.queryOptions({ limit: 100 }, { refetchInterval: 30_000 }));
  const internal = useQuery(trpc.compose.listScheduled.queryOptions(undefined, { refetchInterval: 30_000 }));
  const summaries = useScheduledSubjects(internal.data);
  const cancel = useMutation({
    mutationFn: async (entry: ScheduledEntry): Promise<void> => {
      if (entry.kind === 'internal') await client.compose.cancelScheduled.mutate({ id: entry.id });
      else await client.outbound.cancel.mutate({ id: entry.id });
    },
    // Refused or not, the list is refreshed: a message that went out in the meantime leaves it.
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: trpc.outbound.list.pathKey() }),
        queryClient.invalidateQueries({ queryKey: trpc.compose.listScheduled.pathKey() }),
      ]),
  });

  if (outbound.isPending || internal.isPending) {
    return (
      <div className="p-4 text-sm text-slate-600">
        <Spinner label="Loading scheduled messages…" />
      </div>
    );
  }
  const loadError = outbound.error ?? internal.error;
  if (outbound.isError && internal.isError)
    return (
      <div className="p-4">
        <Alert>{errorMessage(loadError)}</Alert>
      </div>
    );
  const scheduled = scheduledEntries(outbound.data ?? [], internal.data ?? []);
  const subjects = summaries.data ?? {};
  return (
    <div className="min-h-0 flex-1 overflow-y-auto">
      {loadError ? (
        <div className="p-3">
          <Alert>{errorMessage(loadError)}</Alert>
        </div>
      ) : null}
      {cancel.error ? (
        <div className="p-3">
          <Alert>{errorMessage(cancel.error)}</Alert>
        </div>
      ) : null}
      {scheduled.length === 0 ? (
        <p className="p-6 text-center text-sm text-slate-600">Nothing is scheduled.</p>
      ) : (
        <ul aria-label="Scheduled messages" className="divide-y divide-slate-100">
          {scheduled.map((m) => (
            <li key={m.key} data-testid="scheduled-row" data-kind={m.kind} className="flex items-center gap-3 px-4 py-3">
              <div className="min-w-0 flex-1">
                <p className="truncate text-sm font-medium" data-testid="scheduled-subject">
                  {subjectOf(m.summary ? subjects[`scheduled:${m.id}`] : null)}
                </p>
                <p className="truncate text-sm text-slate-700">To {m.to}</p>
                <p className="text-xs text-slate-500">
                  Sends <time dateTime={m.sendAt}>{formatFullDate(m.sendAt)}</time> · from {m.from}
                </p>
              </div>
              <Button
                variant="secondary"
                loading={cancel.isPending && cancel.variables?.key === m.key}
                aria-label={`Cancel the message to ${m.to}`}
                onClick={() => cancel.mutate(m)}
              >
                Cancel
              </Button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
