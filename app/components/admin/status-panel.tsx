'use client';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Alert, Button, Spinner } from '@/app/components/ui';
import { formatBytes, formatTime } from '@/app/lib/admin/format';
import { errorMessage, useTRPC } from '@/app/lib/trpc';

function Item({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="rounded-xl border border-slate-200 bg-white p-3">
      <dt className="text-xs uppercase text-slate-600">{label}</dt>
      <dd className="mt-1 text-sm">{children}</dd>
    </div>
  );
}

const alive = (ok: boolean | null) => (ok === null ? 'unknown' : ok ? 'running' : 'not answering');

/** Instance status: roles, database, queue depth, DATA_DIR disk use, version. */
export function StatusPanel() {
  const trpc = useTRPC();
  const status = useQuery(trpc.admin.status.queryOptions({}));
  if (status.isPending) return <Spinner label="Checking the instance…" />;
  if (status.isError) return <Alert>{errorMessage(status.error)}</Alert>;
  const s = status.data;
  return (
    <div className="space-y-3">
      <dl className="grid gap-3 sm:grid-cols-3">
        <Item label="Web">{alive(s.roles.web)}</Item>
        <Item label="SMTP">{alive(s.roles.smtp)}</Item>
        <Item label="Workers">{s.roles.workers === null ? 'unknown' : `${s.roles.workers} running`}</Item>
        <Item label="Database">
          {s.database.ok
            ? `PostgreSQL ${s.database.version} · ${formatBytes(s.database.sizeBytes)} · ${s.database.latencyMs} ms`
            : (s.database.error ?? 'not answering')}
        </Item>
        <Item label="Queue">{s.queue ? `${s.queue.queued} queued · ${s.queue.deferred} deferred · ${s.queue.deadLetters} dead letters` : 'unknown'}</Item>
        <Item label="Data folder">
          <span className="break-all font-mono text-xs">{s.disk.path}</span>
          <br />
          {s.disk.approximate ? 'at least ' : ''}
          {formatBytes(s.disk.usedBytes)} used
          {s.disk.filesystemFreeBytes !== null ? ` · ${formatBytes(s.disk.filesystemFreeBytes)} free of ${formatBytes(s.disk.filesystemTotalBytes)}` : ''}
        </Item>
        <Item label="Version">Sealpost {s.version}</Item>
        <Item label="Audit retention">{s.auditRetentionDays === 0 ? 'kept forever' : `${s.auditRetentionDays} days`}</Item>
        <Item label="Checked">{formatTime(s.checkedAt)}</Item>
      </dl>
      <Button variant="secondary" loading={status.isFetching} onClick={() => void status.refetch()}>
        Check again
      </Button>
    </div>
  );
}
