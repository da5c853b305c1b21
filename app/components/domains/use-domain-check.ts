'use client';
import { useMutation, useQuery } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { useEffect, useState } from 'react';
import { type CheckRequest, CHECK_WINDOW_MS, checkPhase, pollInterval } from '@/app/lib/domains/domain-view';
import { useTRPC } from '@/app/lib/trpc';
import type { AppRouter } from '@/server/api/root';

export type Domain = inferRouterOutputs<AppRouter>['domains']['get'];

/**
 * One domain, kept fresh: polls `domains.get` as `pollInterval` decides, and runs "Check now"
 * (which only queues a job for the worker) while tracking whether its result has arrived.
 */
export function useDomainCheck(initial: Domain) {
  const trpc = useTRPC();
  const [request, setRequest] = useState<CheckRequest | null>(null);
  // Re-render when the check window ends, so a check that never reports turns into "queued".
  const [, setWindowEnded] = useState(0);
  useEffect(() => {
    if (!request) return;
    const timer = setTimeout(() => setWindowEnded((n) => n + 1), request.startedAt + CHECK_WINDOW_MS - Date.now() + 50);
    return () => clearTimeout(timer);
  }, [request]);

  const query = useQuery({
    ...trpc.domains.get.queryOptions({ id: initial.id }),
    initialData: initial,
    refetchInterval: (q) => pollInterval(q.state.data ?? initial, request, Date.now()),
  });
  const domain = query.data;

  const check = useMutation(trpc.domains.checkNow.mutationOptions({ onError: () => setRequest(null) }));
  const checkNow = () => {
    setRequest({ startedAt: Date.now(), baseline: domain.lastCheckedAt });
    check.mutate({ id: domain.id });
  };

  const phase = check.isPending ? 'checking' : checkPhase(domain, request, Date.now());
  return { domain, query, phase, checkNow, checkError: check.error };
}
