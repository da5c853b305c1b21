'use client';
import { useId, useState } from 'react';
import { Alert, Button, Spinner } from '@/app/components/ui';
import { DOMAIN_STATUS, RECORD_KIND_LABEL, domainTitle, driftedRecords, zoneFileHref } from '@/app/lib/domains/domain-view';
import { errorMessage } from '@/app/lib/trpc';
import { CatchAllSwitch } from './catch-all-switch';
import { DeleteDomain } from './delete-domain';
import { MtaStsRecords } from './mta-sts-records';
import { RecordTable } from './record-table';
import { StatusBadge } from './status-badge';
import { type Domain, useDomainCheck } from './use-domain-check';

/** One domain: its status, the records to publish and their checks, catch-all, delete. */
export function DomainCard({ initial, onDeleted }: { initial: Domain; onDeleted: (name: string) => void }) {
  const { domain, query, phase, checkNow, checkError } = useDomainCheck(initial);
  const headingId = useId();
  const title = domainTitle(domain);
  // Records start open until the domain is verified; after that the person decides.
  const [recordsOpen] = useState(domain.status !== 'verified' || domain.drift);
  const drifted = driftedRecords(domain);

  return (
    <section aria-labelledby={headingId} data-testid="domain-card" data-domain={domain.name} className="rounded-2xl border border-slate-200 bg-white p-4">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <h2 id={headingId} tabIndex={-1} className="break-all text-lg font-semibold">
            {title}
          </h2>
          <div className="mt-1 flex flex-wrap items-center gap-2 text-sm text-slate-600">
            <StatusBadge status={DOMAIN_STATUS[domain.status]} context="Domain status" testId="domain-status" />
            <span>{DOMAIN_STATUS[domain.status].description}</span>
          </div>
        </div>
        <DeleteDomain domainId={domain.id} domainName={domain.name} onDeleted={onDeleted} />
      </div>

      {drifted.length > 0 ? (
        <div className="mt-3">
          <Alert tone="warning">
            Records changed after {domain.name} was verified: {drifted.map((k) => RECORD_KIND_LABEL[k]).join(', ')}. Publish them again as shown below, or mail
            may be refused or marked as spam.
          </Alert>
        </div>
      ) : null}

      <div className="mt-4 flex flex-wrap items-center gap-3">
        <Button variant="secondary" onClick={checkNow} aria-describedby={`${headingId}-checked`}>
          Check now
        </Button>
        <a href={zoneFileHref(domain.id)} download className="rounded-lg px-3 py-2 text-sm font-medium text-brand-700 hover:bg-brand-50">
          Download zone file
        </a>
        {domain.status === 'verified' ? (
          <a
            href={`/settings/sending/${encodeURIComponent(domain.name)}`}
            className="rounded-lg px-3 py-2 text-sm font-medium text-brand-700 hover:bg-brand-50"
          >
            Sending API
          </a>
        ) : null}
        <span id={`${headingId}-checked`} role="status" className="inline-flex items-center gap-2 text-sm text-slate-600">
          {phase === 'checking' ? (
            <>
              <Spinner />
              Checking…
            </>
          ) : domain.lastCheckedAt ? (
            `Last checked ${new Date(domain.lastCheckedAt).toLocaleString()}`
          ) : (
            'Not checked yet'
          )}
        </span>
      </div>
      {phase === 'queued' ? (
        <div className="mt-3">
          <Alert tone="info">The check is queued but has not reported yet. Its results will appear here when it runs.</Alert>
        </div>
      ) : null}
      {checkError ? (
        <div className="mt-3">
          <Alert>The check could not be started: {errorMessage(checkError)}</Alert>
        </div>
      ) : null}
      {query.isError && !query.isFetching ? (
        <div className="mt-3 flex items-center gap-3">
          <Alert>
            Could not refresh {domain.name}: {errorMessage(query.error)}
          </Alert>
          <Button variant="secondary" onClick={() => void query.refetch()}>
            Try again
          </Button>
        </div>
      ) : null}

      <details open={recordsOpen} className="group mt-4">
        <summary className="cursor-pointer rounded-lg text-sm font-medium text-slate-800">DNS records</summary>
        <p className="mt-2 text-sm text-slate-600">Publish these at your DNS provider. Some providers want the host as shown, others the full name under it.</p>
        <div className="mt-2">
          <RecordTable domainName={domain.name} records={domain.records} />
        </div>
        <MtaStsRecords domain={domain} />
      </details>

      <div className="mt-4 border-t border-slate-100 pt-4">
        <CatchAllSwitch domainId={domain.id} domainName={domain.name} enabled={domain.catchAll} />
      </div>
    </section>
  );
}
