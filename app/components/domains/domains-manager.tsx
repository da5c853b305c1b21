'use client';
import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { Alert, Button, Spinner } from '@/app/components/ui';
import { errorMessage, useTRPC } from '@/app/lib/trpc';
import { AddDomainForm } from './add-domain-form';
import { DomainCard } from './domain-card';

type Notice = { kind: 'added' | 'deleted'; name: string };

/** Settings → Domains: add a domain, then one card per domain with its records and checks. */
export function DomainsManager() {
  const trpc = useTRPC();
  const domains = useQuery(trpc.domains.list.queryOptions());
  const [notice, setNotice] = useState<Notice | null>(null);
  const listHeadingRef = useRef<HTMLHeadingElement>(null);
  // After adding, keyboard and screen-reader users go to the new domain's heading; after deleting,
  // to the list, since the card they were on is gone. Applied once the target has rendered.
  const focusTarget = useRef<{ domainId: string } | 'list' | null>(null);
  useEffect(() => {
    const target = focusTarget.current;
    if (!target) return;
    const element = target === 'list' ? listHeadingRef.current : document.querySelector<HTMLElement>(`[data-domain-id="${target.domainId}"] h2`);
    if (element) {
      element.focus();
      focusTarget.current = null;
    }
  });

  let list: ReactNode;
  if (domains.isPending) {
    list = (
      <div className="rounded-2xl border border-slate-200 bg-white p-4 text-sm">
        <Spinner label="Loading domains…" />
      </div>
    );
  } else if (domains.isError) {
    list = (
      <div className="space-y-3 rounded-2xl border border-slate-200 bg-white p-4">
        <Alert>Your domains could not be loaded: {errorMessage(domains.error)}</Alert>
        <Button variant="secondary" loading={domains.isFetching} onClick={() => void domains.refetch()}>
          Try again
        </Button>
      </div>
    );
  } else if (domains.data.length === 0) {
    list = (
      <div className="rounded-2xl border border-dashed border-slate-300 bg-white p-6 text-center text-sm text-slate-600" data-testid="domains-empty">
        <p className="font-medium text-slate-800">No domains yet</p>
        <p className="mt-1">Add one above to get addresses, aliases and a catch-all at it.</p>
      </div>
    );
  } else {
    list = (
      <ul className="space-y-4">
        {domains.data.map((domain) => (
          <li key={domain.id} data-domain-id={domain.id}>
            <DomainCard
              initial={domain}
              onDeleted={(name) => {
                focusTarget.current = 'list';
                setNotice({ kind: 'deleted', name });
              }}
            />
          </li>
        ))}
      </ul>
    );
  }

  return (
    <div className="space-y-6">
      <section aria-labelledby="add-domain-heading" className="rounded-2xl border border-slate-200 bg-white p-4">
        <h2 id="add-domain-heading" className="font-medium">
          Add a domain
        </h2>
        <p className="mt-1 text-sm text-slate-600">Receive and send mail at your own domain. Sealpost shows the DNS records to publish.</p>
        <div className="mt-4">
          <AddDomainForm
            onAdded={(domain) => {
              focusTarget.current = { domainId: domain.id };
              setNotice({ kind: 'added', name: domain.name });
            }}
          />
        </div>
      </section>

      <div className="space-y-4">
        <h2 ref={listHeadingRef} tabIndex={-1} className="sr-only">
          Your domains
        </h2>
        {notice ? (
          <Alert tone="success">
            {notice.kind === 'added' ? `Added ${notice.name}. Publish the records below, then press “Check now”.` : `Deleted ${notice.name}.`}
          </Alert>
        ) : null}
        {list}
      </div>
    </div>
  );
}
