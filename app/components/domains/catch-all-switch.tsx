'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId } from 'react';
import { Alert } from '@/app/components/ui';
import { errorMessage, useTRPC } from '@/app/lib/trpc';

/** Catch-all on or off: a checkbox with the switch role, so it reads as "Catch-all, switch, on". */
export function CatchAllSwitch({ domainId, domainName, enabled }: { domainId: string; domainName: string; enabled: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const setCatchAll = useMutation(
    trpc.domains.setCatchAll.mutationOptions({
      onSuccess: (domain) => queryClient.setQueryData(trpc.domains.get.queryKey({ id: domain.id }), domain),
    }),
  );
  // Show the requested state while it is saved; the control stays focusable (no `disabled`).
  const checked = setCatchAll.isPending ? setCatchAll.variables.enabled : enabled;
  return (
    <div>
      <div className="flex items-center gap-3">
        <span className="relative inline-flex h-6 w-10 shrink-0">
          <input
            id={id}
            type="checkbox"
            role="switch"
            checked={checked}
            aria-describedby={`${id}-hint`}
            onChange={(event) => {
              if (!setCatchAll.isPending) setCatchAll.mutate({ id: domainId, enabled: event.target.checked });
            }}
            className="peer absolute inset-0 z-10 m-0 h-full w-full cursor-pointer appearance-none rounded-full opacity-0"
          />
          <span
            aria-hidden="true"
            className="h-6 w-10 rounded-full bg-slate-300 transition-colors peer-checked:bg-brand-600 peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-brand-500"
          />
          <span aria-hidden="true" className="absolute left-0.5 top-0.5 h-5 w-5 rounded-full bg-white shadow transition-transform peer-checked:translate-x-4" />
        </span>
        <label htmlFor={id} className="text-sm font-medium">
          Catch-all
        </label>
        <span className="text-xs text-slate-500" aria-hidden="true">
          {checked ? 'On' : 'Off'}
        </span>
      </div>
      <p id={`${id}-hint`} className="mt-1 text-xs text-slate-600">
        Mail to any address at {domainName} that doesn&apos;t exist comes to you instead of being refused.
      </p>
      {setCatchAll.isError ? (
        <div className="mt-2">
          <Alert>Catch-all was not changed: {errorMessage(setCatchAll.error)}</Alert>
        </div>
      ) : null}
    </div>
  );
}
