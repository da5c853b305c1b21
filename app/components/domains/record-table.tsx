'use client';
import { useRef } from 'react';
import { RECORD_KIND_LABEL, type RecordView, foundText, hostDisplay, recordStatus } from '@/app/lib/domains/domain-view';
import { CopyButton } from './copy-button';
import { StatusBadge } from './status-badge';

/** The records to publish for one domain, each with its last check. */
export function RecordTable({ domainName, records }: { domainName: string; records: RecordView[] }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full min-w-[40rem] text-left text-sm">
        <caption className="sr-only">DNS records to publish for {domainName}</caption>
        <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th scope="col" className="py-2 pr-3 font-medium">Record</th>
            <th scope="col" className="py-2 pr-3 font-medium">Type</th>
            <th scope="col" className="py-2 pr-3 font-medium">Host</th>
            <th scope="col" className="py-2 pr-3 font-medium">Value</th>
            <th scope="col" className="py-2 pr-3 font-medium">Priority</th>
            <th scope="col" className="py-2 font-medium">Status</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 align-top">
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
    <tr data-testid={`record-${record.kind}`}>
      <th scope="row" className="py-3 pr-3 font-medium">
        {label}
      </th>
      <td className="py-3 pr-3 font-mono text-xs" data-testid="record-type">
        {record.type}
      </td>
      <td className="py-3 pr-3">
        <code className="font-mono text-xs" data-testid="record-host">
          {host.name}
        </code>
        <p className="mt-0.5 break-all text-xs text-slate-500">{host.full}</p>
      </td>
      <td className="max-w-md py-3 pr-3">
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
      <td className="py-3 pr-3 tabular-nums" data-testid="record-priority">
        {record.priority ?? (
          <>
            <span aria-hidden="true">–</span>
            <span className="sr-only">none</span>
          </>
        )}
      </td>
      <td className="py-3">
        <StatusBadge status={recordStatus(record)} testId="record-status" />
      </td>
    </tr>
  );
}
