'use client';
import { useRef } from 'react';
import { RECORD_KIND_LABEL, type RecordView, foundText, hostDisplay, recordStatus } from '@/app/lib/domains/domain-view';
import { CopyButton } from './copy-button';
import { StatusBadge } from './status-badge';

/** The records to publish for one domain, each with its last check. */
export function RecordTable({ domainName, records }: { domainName: string; records: RecordView[] }) {
  return (
    // Below md each record is a block of lines, each named by a ::before label: the six columns were 539 px wide on a 390 px phone.
    <div className="md:overflow-x-auto">
      <table className="w-full text-left text-sm max-md:block md:min-w-[40rem]">
        <caption className="sr-only">DNS records to publish for {domainName}</caption>
        <thead className="max-md:hidden border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th scope="col" className="py-2 pr-3 font-medium">
              Record
            </th>
            <th scope="col" className="py-2 pr-3 font-medium">
              Type
            </th>
            <th scope="col" className="py-2 pr-3 font-medium">
              Host
            </th>
            <th scope="col" className="py-2 pr-3 font-medium">
              Value
            </th>
            <th scope="col" className="py-2 pr-3 font-medium">
              Priority
            </th>
            <th scope="col" className="py-2 font-medium">
              Status
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 align-top max-md:block">
          {records.map((record) => (
            <RecordRow key={record.kind} record={record} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function RecordRow({ record }: { record: RecordView }) {
  const valueRef = useRef<HTMLElement>(null);
  const host = hostDisplay(record);
  const found = foundText(record);
  const label = RECORD_KIND_LABEL[record.kind];
  return (
    <tr data-testid={`record-${record.kind}`} className="max-md:block max-md:py-2">
      <th scope="row" className="py-3 pr-3 font-medium max-md:block max-md:py-1">
        {label}
      </th>
      <td
        className="py-3 pr-3 font-mono text-xs max-md:block max-md:py-1 max-md:before:content-['Type:_'] max-md:before:font-sans max-md:before:text-slate-500"
        data-testid="record-type"
      >
        {record.type}
      </td>
      <td className="py-3 pr-3 max-md:block max-md:py-1 max-md:before:content-['Host:_'] max-md:before:text-xs max-md:before:text-slate-500">
        <code className="break-all font-mono text-xs" data-testid="record-host">
          {host.name}
        </code>
        <p className="mt-0.5 break-all text-xs text-slate-500">{host.full}</p>
      </td>
      <td className="max-w-md py-3 pr-3 max-md:block max-md:max-w-none max-md:py-1 max-md:before:content-['Value:'] max-md:before:text-xs max-md:before:text-slate-500">
        <code ref={valueRef} className="block break-all font-mono text-xs" data-testid="record-value">
          {record.value}
        </code>
        <div className="mt-1">
          <CopyButton value={record.value} label={`Copy ${label} value`} selectOnFailure={() => valueRef.current} />
        </div>
        {found ? (
          <p className="mt-1 break-all text-xs text-red-800" data-testid="record-found">
            {found}
          </p>
        ) : null}
      </td>
      <td
        className="py-3 pr-3 tabular-nums max-md:block max-md:py-1 max-md:before:content-['Priority:_'] max-md:before:text-xs max-md:before:text-slate-500"
        data-testid="record-priority"
      >
        {record.priority ?? (
          <>
            <span aria-hidden="true">–</span>
            <span className="sr-only">none</span>
          </>
        )}
      </td>
      <td className="py-3 max-md:block max-md:py-1">
        <StatusBadge status={recordStatus(record)} testId="record-status" />
      </td>
    </tr>
  );
}
