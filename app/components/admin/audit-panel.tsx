'use client';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Alert, Button, Spinner, TextField } from '@/app/components/ui';
import { formatTime } from '@/app/lib/admin/format';
import { errorMessage, useTRPC, useTRPCClient } from '@/app/lib/trpc';

interface Filter {
  username?: string;
  event?: string;
  from?: string;
  to?: string;
}

/** yyyy-mm-dd from a date input → the start of that day (or of the next, for "to") in local time, as ISO. */
const dayStart = (date: string, plusDays = 0) => {
  const d = new Date(`${date}T00:00:00`);
  d.setDate(d.getDate() + plusDays);
  return d.toISOString();
};

/** The audit log, newest first, filtered by user, event and date. */
export function AuditPanel() {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const names = useQuery(trpc.admin.auditEventNames.queryOptions({}));
  const [draft, setDraft] = useState({ username: '', event: '', from: '', to: '' });
  const [filter, setFilter] = useState<Filter>({});
  const events = useInfiniteQuery({
    queryKey: ['admin-audit', filter],
    initialPageParam: undefined as { at: string; id: string } | undefined,
    queryFn: ({ pageParam }) => client.admin.audit.query({ ...filter, before: pageParam, limit: 100 }),
    getNextPageParam: (last) => (last.length === 100 ? { at: last[99]!.at, id: last[99]!.id } : undefined),
  });

  function apply(event: FormEvent) {
    event.preventDefault();
    setFilter({
      username: draft.username.trim() || undefined,
      event: draft.event.trim() || undefined,
      from: draft.from ? dayStart(draft.from) : undefined,
      to: draft.to ? dayStart(draft.to, 1) : undefined,
    });
  }

  const rows = events.data?.pages.flat() ?? [];
  return (
    <div className="space-y-3">
      <form onSubmit={apply} className="grid gap-3 sm:grid-cols-5 sm:items-end" aria-label="Filter the audit log">
        <TextField label="User" value={draft.username} onChange={(e) => setDraft({ ...draft, username: e.target.value })} placeholder="username" />
        <TextField
          label="Event"
          list="audit-event-names"
          value={draft.event}
          onChange={(e) => setDraft({ ...draft, event: e.target.value })}
          placeholder="login.failed, admin."
          hint="A name, or a prefix ending in a dot."
        />
        <datalist id="audit-event-names">
          {names.data?.map((n) => (
            <option key={n} value={n} />
          ))}
        </datalist>
        <TextField label="From" type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
        <TextField label="To" type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
        <Button type="submit">Filter</Button>
      </form>
      {events.isPending ? <Spinner label="Loading events…" /> : null}
      {events.isError ? <Alert>{errorMessage(events.error)}</Alert> : null}
      {events.data && rows.length === 0 ? <p className="text-sm text-slate-600">No events match.</p> : null}
      {rows.length > 0 ? (
        <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white">
          <table className="min-w-full text-left text-sm" aria-label="Audit events">
            <thead className="bg-slate-50 text-xs uppercase text-slate-600">
              <tr>
                <th className="px-3 py-2">When</th>
                <th className="px-3 py-2">User</th>
                <th className="px-3 py-2">Event</th>
                <th className="px-3 py-2">Address</th>
                <th className="px-3 py-2">Details</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((e) => (
                <tr key={e.id}>
                  <td className="whitespace-nowrap px-3 py-2">{formatTime(e.at)}</td>
                  <td className="px-3 py-2">{e.username ?? '—'}</td>
                  <td className="px-3 py-2 font-mono text-xs">{e.event}</td>
                  <td className="px-3 py-2">{e.ip ?? '—'}</td>
                  <td className="px-3 py-2 font-mono text-xs">{e.details ? JSON.stringify(e.details) : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {events.hasNextPage ? (
        <Button variant="secondary" loading={events.isFetchingNextPage} onClick={() => void events.fetchNextPage()}>
          Older events
        </Button>
      ) : null}
    </div>
  );
}
