'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Alert, Button, Spinner, TextField } from '@/app/components/ui';
import { CopyButton } from '@/app/components/domains/copy-button';
import { errorMessage, useTRPC } from '@/app/lib/trpc';

const EVENTS = ['accepted', 'delivered', 'deferred', 'bounced', 'failed', 'suppressed'] as const;

export function WebhooksTab({ domain }: { domain: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const hooks = useQuery(trpc.platform.webhooks.queryOptions({ domain }));
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<(typeof EVENTS)[number][]>([...EVENTS]);
  const [secret, setSecret] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.platform.webhooks.queryKey({ domain }) });
  const create = useMutation(trpc.platform.createWebhook.mutationOptions({ onSuccess: (w) => (setSecret(w.secret), setUrl(''), refresh()) }));
  const toggle = useMutation(trpc.platform.setWebhookEnabled.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.platform.deleteWebhook.mutationOptions({ onSuccess: refresh }));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSecret(null);
    create.mutate({ domain, url, events });
  };

  return (
    <div className="space-y-4">
      <form onSubmit={submit} aria-label="New webhook" className="space-y-3 rounded-2xl border border-slate-200 bg-white p-4">
        <h2 className="font-semibold">New webhook</h2>
        <TextField label="URL" type="url" value={url} onChange={(e) => setUrl(e.target.value)} required placeholder="https://example.com/hooks/sealpost" />
        <fieldset>
          <legend className="text-sm font-medium text-slate-700">Events</legend>
          <div className="mt-1 flex flex-wrap gap-4">
            {EVENTS.map((ev) => (
              <label key={ev} className="inline-flex items-center gap-2 text-sm">
                <input
                  type="checkbox"
                  checked={events.includes(ev)}
                  onChange={(e) => setEvents((cur) => (e.target.checked ? [...cur, ev] : cur.filter((x) => x !== ev)))}
                />
                {ev}
              </label>
            ))}
          </div>
        </fieldset>
        {create.isError ? <Alert>{errorMessage(create.error)}</Alert> : null}
        <Button type="submit" loading={create.isPending} disabled={events.length === 0}>
          Add webhook
        </Button>
      </form>
      {secret ? (
        <Alert tone="success">
          <p className="font-medium">Signing secret (shown once): verify the Sealpost-Signature header with it.</p>
          <div className="mt-2 flex flex-wrap items-center gap-2">
            <code className="break-all rounded bg-white px-2 py-1 font-mono text-xs">{secret}</code>
            <CopyButton value={secret} label="Copy secret" />
          </div>
        </Alert>
      ) : null}
      {hooks.isPending ? <Spinner label="Loading webhooks…" /> : null}
      {hooks.isError ? <Alert>{errorMessage(hooks.error)}</Alert> : null}
      <ul className="space-y-2" aria-label="Webhooks">
        {hooks.data?.map((w) => (
          <li key={w.id} className="rounded-xl border border-slate-200 bg-white p-3 text-sm">
            <div className="flex flex-wrap items-center justify-between gap-2">
              <div className="min-w-0">
                <p className="break-all font-medium">{w.url}</p>
                <p className="text-slate-600">
                  {w.events.join(', ')} · {w.enabled ? 'enabled' : 'disabled'}
                </p>
              </div>
              <div className="flex flex-wrap gap-2">
                <Button variant="secondary" onClick={() => setOpen(open === w.id ? null : w.id)} aria-expanded={open === w.id}>
                  History
                </Button>
                <Button variant="secondary" onClick={() => toggle.mutate({ domain, id: w.id, enabled: !w.enabled })}>
                  {w.enabled ? 'Disable' : 'Enable'}
                </Button>
                <Button variant="danger" onClick={() => remove.mutate({ domain, id: w.id })} aria-label={`Delete webhook ${w.url}`}>
                  Delete
                </Button>
              </div>
            </div>
            {open === w.id ? <DeliveryHistory domain={domain} id={w.id} /> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}

function DeliveryHistory({ domain, id }: { domain: string; id: string }) {
  const trpc = useTRPC();
  const history = useQuery({ ...trpc.platform.webhookDeliveries.queryOptions({ domain, id }), refetchInterval: 5000 });
  if (history.isPending) return <Spinner label="Loading history…" />;
  if (history.isError) return <Alert>{errorMessage(history.error)}</Alert>;
  if (history.data.length === 0) return <p className="mt-2 text-slate-600">No deliveries yet.</p>;
  return (
    <div className="mt-2 overflow-x-auto">
      <table className="w-full text-left text-xs">
        <caption className="sr-only">Delivery history</caption>
        <thead>
          <tr className="text-slate-600">
            <th className="p-1">When</th>
            <th className="p-1">Event</th>
            <th className="p-1">Recipient</th>
            <th className="p-1">Status</th>
            <th className="p-1">Attempts</th>
            <th className="p-1">Last answer</th>
          </tr>
        </thead>
        <tbody>
          {history.data.map((d) => (
            <tr key={d.id} className="border-t border-slate-100">
              <td className="p-1">{new Date(d.created_at).toLocaleString()}</td>
              <td className="p-1">{d.event}</td>
              <td className="break-all p-1">{d.recipient}</td>
              <td className="p-1">{d.status}</td>
              <td className="p-1">{d.attempts}</td>
              <td className="p-1">{d.last_status ?? d.last_error ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
