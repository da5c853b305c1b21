'use client';
import { useQuery } from '@tanstack/react-query';
import { Alert, Spinner } from '@/app/components/ui';
import { errorMessage, useTRPC } from '@/app/lib/trpc';

/** The last 50 platform sends and each recipient's latest event, refreshed every 5 s. */
export function SendsTab({ domain }: { domain: string }) {
  const trpc = useTRPC();
  const sends = useQuery({ ...trpc.platform.recentSends.queryOptions({ domain }), refetchInterval: 5000 });
  if (sends.isPending) return <Spinner label="Loading recent sends…" />;
  if (sends.isError) return <Alert>{errorMessage(sends.error)}</Alert>;
  if (sends.data.length === 0) return <p className="text-sm text-slate-600">No mail sent through the API or submission yet.</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" data-testid="recent-sends">
        <caption className="sr-only">Recent sends</caption>
        <thead>
          <tr className="text-slate-600">
            <th className="p-1">When</th>
            <th className="p-1">From</th>
            <th className="p-1">Recipients</th>
            <th className="p-1">Tags</th>
            <th className="p-1">Status</th>
          </tr>
        </thead>
        <tbody>
          {sends.data.map((m) => (
            <tr key={m.id} className="border-t border-slate-100 align-top">
              <td className="whitespace-nowrap p-1">{new Date(m.created_at).toLocaleString()}</td>
              <td className="break-all p-1">{m.from}</td>
              <td className="p-1">
                <ul>
                  {m.recipients.map((r) => (
                    <li key={r.address} className="break-all">
                      {r.address}: <span className="font-medium">{r.status}</span>
                    </li>
                  ))}
                </ul>
              </td>
              <td className="p-1">{m.tags.join(', ') || '—'}</td>
              <td className="p-1">{m.status}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
