'use client';
import { useQuery } from '@tanstack/react-query';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { Alert, Spinner } from '@/app/components/ui';
import { errorMessage, useTRPC } from '@/app/lib/trpc';

const SERIES = [
  { key: 'delivered', color: '#059669' },
  { key: 'deferred', color: '#d97706' },
  { key: 'bounced', color: '#dc2626' },
  { key: 'failed', color: '#7f1d1d' },
  { key: 'suppressed', color: '#64748b' },
] as const;

/** The last 30 days: outcomes per day (recharts), and the figures as a table for screen readers. */
export function StatsTab({ domain }: { domain: string }) {
  const trpc = useTRPC();
  const stats = useQuery(trpc.platform.stats.queryOptions({ domain }));
  if (stats.isPending) return <Spinner label="Loading stats…" />;
  if (stats.isError) return <Alert>{errorMessage(stats.error)}</Alert>;
  const days = stats.data.totals;
  if (days.length === 0) return <p className="text-sm text-slate-600">Nothing sent in the last 30 days.</p>;
  const latency = new Map(stats.data.latency.map((l) => [l.day, l]));
  return (
    <div className="space-y-4">
      <div className="h-64 w-full rounded-2xl border border-slate-200 bg-white p-2" aria-hidden="true">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={days}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="day" fontSize={11} />
            <YAxis allowDecimals={false} fontSize={11} />
            <Tooltip />
            <Legend />
            {SERIES.map((s) => (
              <Bar key={s.key} dataKey={s.key} stackId="outcome" fill={s.color} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm" data-testid="stats-table">
          <caption className="text-left font-medium">Per day (UTC)</caption>
          <thead>
            <tr className="text-slate-600">
              <th className="p-1">Day</th>
              <th className="p-1">Accepted</th>
              <th className="p-1">Delivered</th>
              <th className="p-1">Deferred</th>
              <th className="p-1">Bounced</th>
              <th className="p-1">Failed</th>
              <th className="p-1">Suppressed</th>
              <th className="p-1">Latency p50 / p95</th>
            </tr>
          </thead>
          <tbody>
            {days.map((d) => (
              <tr key={d.day} className="border-t border-slate-100">
                <td className="p-1">{d.day}</td>
                <td className="p-1">{d.accepted}</td>
                <td className="p-1">{d.delivered}</td>
                <td className="p-1">{d.deferred}</td>
                <td className="p-1">{d.bounced}</td>
                <td className="p-1">{d.failed}</td>
                <td className="p-1">{d.suppressed}</td>
                <td className="p-1">{latency.has(d.day) ? `${latency.get(d.day)!.p50_ms} / ${latency.get(d.day)!.p95_ms} ms` : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
