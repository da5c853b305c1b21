'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Alert, Button, Spinner } from '@/app/components/ui';
import { formatTime } from '@/app/lib/admin/format';
import { errorMessage, useTRPC } from '@/app/lib/trpc';

/** The outbound queue: recipients waiting or deferred (with the last error), and dead letters. */
export function QueuePanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<'all' | 'queued' | 'deferred'>('all');
  const queue = useQuery(trpc.admin.queue.queryOptions({ status: status === 'all' ? undefined : status }));
  const dead = useQuery(trpc.admin.deadLetters.queryOptions({ openOnly: true }));
  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.admin.queue.queryKey() });
    await queryClient.invalidateQueries({ queryKey: trpc.admin.deadLetters.queryKey() });
  };
  const retry = useMutation(trpc.admin.retryQueued.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.admin.deleteQueued.mutationOptions({ onSuccess: refresh }));
  const retryDead = useMutation(trpc.admin.retryDeadLetter.mutationOptions({ onSuccess: refresh }));
  const removeDead = useMutation(trpc.admin.deleteDeadLetter.mutationOptions({ onSuccess: refresh }));
  const failure = retry.error ?? remove.error ?? retryDead.error ?? removeDead.error;

  return (
    <div className="space-y-6">
      {failure ? <Alert>{errorMessage(failure)}</Alert> : null}
      <section aria-labelledby="queue-heading" className="space-y-2">
        <div className="flex flex-wrap items-end justify-between gap-2">
          <h2 id="queue-heading" className="font-medium">
            Waiting to go out
          </h2>
          <label className="text-sm">
            Show{' '}
            <select value={status} onChange={(e) => setStatus(e.target.value as typeof status)} className="rounded-lg border border-slate-300 px-2 py-1">
              <option value="all">All</option>
              <option value="queued">Queued</option>
              <option value="deferred">Deferred</option>
            </select>
          </label>
        </div>
        {queue.isPending ? <Spinner label="Loading the queue…" /> : null}
        {queue.isError ? <Alert>{errorMessage(queue.error)}</Alert> : null}
        {queue.data?.length === 0 ? <p className="text-sm text-slate-600">Nothing is waiting.</p> : null}
        {queue.data && queue.data.length > 0 ? (
          <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white">
            <table className="min-w-full text-left text-sm">
              <thead className="bg-slate-50 text-xs uppercase text-slate-600">
                <tr>
                  <th className="px-3 py-2">Recipient</th>
                  <th className="px-3 py-2">From</th>
                  <th className="px-3 py-2">Status</th>
                  <th className="px-3 py-2">Attempts</th>
                  <th className="px-3 py-2">Last error</th>
                  <th className="px-3 py-2">Next attempt</th>
                  <th className="px-3 py-2">Actions</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {queue.data.map((q) => (
                  <tr key={q.recipientId}>
                    <td className="px-3 py-2">{q.recipient}</td>
                    <td className="px-3 py-2">{q.from}</td>
                    <td className="px-3 py-2">{q.status}</td>
                    <td className="px-3 py-2">{q.attempts}</td>
                    <td className="max-w-xs truncate px-3 py-2" title={q.lastError ?? undefined}>
                      {q.lastError ?? '—'}
                    </td>
                    <td className="whitespace-nowrap px-3 py-2">{formatTime(q.nextAttemptAt)}</td>
                    <td className="px-3 py-2">
                      <div className="flex gap-1">
                        <Button
                          variant="secondary"
                          className="px-2 py-1"
                          loading={retry.isPending && retry.variables?.outboundId === q.outboundId}
                          onClick={() => retry.mutate({ outboundId: q.outboundId })}
                        >
                          Retry now
                        </Button>
                        <Button
                          variant="danger"
                          className="px-2 py-1"
                          loading={remove.isPending && remove.variables?.outboundId === q.outboundId}
                          onClick={() => remove.mutate({ outboundId: q.outboundId })}
                        >
                          Delete
                        </Button>
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>

      <section aria-labelledby="dead-heading" className="space-y-2">
        <h2 id="dead-heading" className="font-medium">
          Dead letters
        </h2>
        {dead.isPending ? <Spinner label="Loading dead letters…" /> : null}
        {dead.isError ? <Alert>{errorMessage(dead.error)}</Alert> : null}
        {dead.data?.length === 0 ? <p className="text-sm text-slate-600">No dead letters.</p> : null}
        {dead.data && dead.data.length > 0 ? (
          <ul className="divide-y divide-slate-100 rounded-xl border border-slate-200 bg-white text-sm">
            {dead.data.map((d) => (
              <li key={d.id} className="flex flex-wrap items-center justify-between gap-2 px-3 py-2">
                <span className="min-w-0">
                  <span className="font-medium">{d.recipient}</span> from {d.sender.address} · {d.statusCode} {d.reason}
                  <span className="block truncate text-slate-600">{d.lastReply ?? ''}</span>
                </span>
                <span className="flex gap-1">
                  <Button
                    variant="secondary"
                    className="px-2 py-1"
                    disabled={!d.retryable}
                    loading={retryDead.isPending && retryDead.variables?.id === d.id}
                    onClick={() => retryDead.mutate({ id: d.id })}
                  >
                    Retry
                  </Button>
                  <Button
                    variant="danger"
                    className="px-2 py-1"
                    loading={removeDead.isPending && removeDead.variables?.id === d.id}
                    onClick={() => removeDead.mutate({ id: d.id })}
                  >
                    Delete
                  </Button>
                </span>
              </li>
            ))}
          </ul>
        ) : null}
      </section>
    </div>
  );
}
