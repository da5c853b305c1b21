'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { Dialog } from '@/app/components/dialog';
import { Alert, Button, Spinner } from '@/app/components/ui';
import { type DeletionImpact, appErrorCode, deletionConsequences, needsDeleteConfirmation } from '@/app/lib/domains/domain-view';
import { errorMessage, useTRPC } from '@/app/lib/trpc';

/**
 * "Delete": asks the server what would stop working first. With nothing on the domain it goes at
 * once; otherwise a dialog names the addresses, aliases and catch-all that stop receiving mail.
 */
export function DeleteDomain({ domainId, domainName, onDeleted }: { domainId: string; domainName: string; onDeleted: (name: string) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const openerRef = useRef<HTMLButtonElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const [impact, setImpact] = useState<DeletionImpact | null>(null);
  const [loadingImpact, setLoadingImpact] = useState(false);
  const [impactError, setImpactError] = useState<string | null>(null);

  const loadImpact = async () => {
    setLoadingImpact(true);
    setImpactError(null);
    try {
      const latest = await queryClient.fetchQuery({ ...trpc.domains.deletionImpact.queryOptions({ id: domainId }), staleTime: 0 });
      if (needsDeleteConfirmation(latest)) setImpact(latest);
      else remove.mutate({ id: domainId, confirmed: false });
    } catch (err) {
      setImpactError(errorMessage(err));
    } finally {
      setLoadingImpact(false);
    }
  };

  const remove = useMutation(
    trpc.domains.delete.mutationOptions({
      onSuccess: async () => {
        setImpact(null);
        queryClient.removeQueries({ queryKey: trpc.domains.get.queryKey({ id: domainId }) });
        await queryClient.invalidateQueries({ queryKey: trpc.domains.list.queryKey() });
        onDeleted(domainName);
      },
      onError: (err) => {
        // An address or alias arrived since the impact was loaded: ask with the new numbers.
        if (appErrorCode(err) === 'CONFIRMATION_REQUIRED') void loadImpact();
      },
    }),
  );

  const busy = loadingImpact || (remove.isPending && !impact);
  const consequences = impact ? deletionConsequences(impact, domainName) : [];
  return (
    <>
      <Button
        ref={openerRef}
        variant="secondary"
        aria-disabled={busy || undefined}
        aria-label={`Delete ${domainName}`}
        onClick={() => {
          if (!busy) void loadImpact();
        }}
      >
        {busy ? <Spinner /> : null}
        Delete
      </Button>
      {impactError ? (
        <Alert>
          Could not delete {domainName}: {impactError}
        </Alert>
      ) : null}
      {remove.isError && !impact && appErrorCode(remove.error) !== 'CONFIRMATION_REQUIRED' ? (
        <Alert>
          Could not delete {domainName}: {errorMessage(remove.error)}
        </Alert>
      ) : null}
      {impact ? (
        <Dialog
          title={`Delete ${domainName}?`}
          description={
            <>
              <p>These stop receiving mail; senders get a bounce:</p>
              <ul className="mt-2 list-disc pl-5" data-testid="deletion-impact">
                {consequences.map((item) => (
                  <li key={item}>{item}</li>
                ))}
              </ul>
              <p className="mt-2">Adding the domain again later creates a new DKIM key, so its DNS records change.</p>
            </>
          }
          onClose={() => {
            if (!remove.isPending) setImpact(null);
          }}
          initialFocus={cancelRef}
          returnFocusTo={openerRef}
        >
          {remove.isError && appErrorCode(remove.error) !== 'CONFIRMATION_REQUIRED' ? <Alert>{errorMessage(remove.error)}</Alert> : null}
          <div className="mt-4 flex justify-end gap-2">
            <Button ref={cancelRef} variant="secondary" onClick={() => setImpact(null)} disabled={remove.isPending}>
              Cancel
            </Button>
            <Button variant="danger" loading={remove.isPending} onClick={() => remove.mutate({ id: domainId, confirmed: true })}>
              Delete domain
            </Button>
          </div>
        </Dialog>
      ) : null}
    </>
  );
}
