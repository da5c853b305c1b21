'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Spinner } from '@/app/components/ui';
import { errorMessage, useTRPC } from '@/app/lib/trpc';

export function SessionList() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const sessions = useQuery(trpc.account.sessions.queryOptions());
  const revoke = useMutation(
    trpc.account.revokeSession.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.account.sessions.queryKey() }),
    }),
  );

  if (sessions.isPending)
    return (
      <div className="mt-4 text-sm">
        <Spinner label="Loading sessions…" />
      </div>
    );
  if (sessions.isError)
    return (
      <div className="mt-4">
        <Alert>{errorMessage(sessions.error)}</Alert>
      </div>
    );
  return (
    <ul className="mt-4 divide-y divide-slate-100">
      {revoke.isError ? (
        <li className="py-2">
          <Alert>{errorMessage(revoke.error)}</Alert>
        </li>
      ) : null}
      {sessions.data.map((s) => (
        <li key={s.id} className="flex items-center justify-between gap-4 py-3 text-sm">
          <div className="min-w-0">
            <p className="truncate font-medium">{s.userAgent ?? 'Unknown browser'}</p>
            <p className="text-slate-600">
              {s.ip ?? 'unknown address'} · last active {new Date(s.lastSeenAt).toLocaleString()}
              {s.current ? ' · this browser' : ''}
            </p>
          </div>
          {s.current ? null : (
            <Button variant="secondary" loading={revoke.isPending && revoke.variables?.sessionId === s.id} onClick={() => revoke.mutate({ sessionId: s.id })}>
              Revoke
            </Button>
          )}
        </li>
      ))}
    </ul>
  );
}
