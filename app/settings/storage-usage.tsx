'use client';
import { useQuery } from '@tanstack/react-query';
import { Alert, Spinner } from '@/app/components/ui';
import { formatBytes, usagePercent } from '@/app/lib/admin/format';
import { errorMessage, useTRPC } from '@/app/lib/trpc';

/** The user's mail storage against their quota. */
export function StorageUsage() {
  const trpc = useTRPC();
  const storage = useQuery(trpc.account.storage.queryOptions({}));
  if (storage.isPending) return <Spinner label="Loading storage…" />;
  if (storage.isError) return <Alert>{errorMessage(storage.error)}</Alert>;
  const { usedBytes, quotaBytes } = storage.data;
  const percent = usagePercent(usedBytes, quotaBytes);
  return (
    <div className="mt-2 space-y-2 text-sm">
      <p data-testid="storage-usage">
        {formatBytes(usedBytes)} used{quotaBytes !== null ? ` of ${formatBytes(quotaBytes)}` : ' (no limit)'}
      </p>
      {percent !== null ? (
        <div
          role="progressbar"
          aria-label="Storage used"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent}
          className="h-2 w-full overflow-hidden rounded-full bg-slate-200"
        >
          <div className={`h-full ${percent >= 90 ? 'bg-red-600' : 'bg-brand-600'}`} style={{ width: `${percent}%` }} />
        </div>
      ) : null}
      {percent !== null && percent >= 100 ? <Alert tone="warning">Your mailbox is full: new mail is held back by senders until you delete some.</Alert> : null}
    </div>
  );
}
