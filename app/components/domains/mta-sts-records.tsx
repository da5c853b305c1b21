'use client';
import { CopyButton } from './copy-button';
import type { Domain } from './use-domain-check';

/**
 * MTA-STS and TLS reporting: recommended records, not part of verification. With them, senders
 * that support MTA-STS refuse to deliver this domain's mail without TLS to our MX.
 */
export function MtaStsRecords({ domain }: { domain: Domain }) {
  return (
    <div className="mt-4" data-testid="mta-sts-records">
      <h3 className="text-sm font-medium text-slate-800">Recommended: MTA-STS and TLS reports</h3>
      <p className="mt-1 text-sm text-slate-600">
        These make sending servers use TLS to reach you and report when they can&apos;t. They are optional and not checked; the zone file includes them.
      </p>
      <ul className="mt-2 space-y-2">
        {domain.mtaStsRecords.map((record) => (
          <li key={record.fqdn} className="rounded-lg border border-slate-200 p-2 text-sm">
            <div className="flex flex-wrap items-center gap-2">
              <span className="font-mono text-xs text-slate-500">{record.type}</span>
              <span className="break-all font-mono">{record.host}</span>
            </div>
            <div className="mt-1 flex flex-wrap items-center gap-2">
              <code className="break-all rounded bg-slate-50 px-1">{record.value}</code>
              <CopyButton value={record.value} label={`Copy the ${record.host} value`} />
            </div>
            <p className="mt-1 text-xs text-slate-500">{record.purpose}</p>
          </li>
        ))}
      </ul>
    </div>
  );
}
