'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Alert, Button, Spinner, TextField } from '@/app/components/ui';
import { CopyButton } from '@/app/components/domains/copy-button';
import { errorMessage, useTRPC } from '@/app/lib/trpc';

const SCOPES = [
  { id: 'send', label: 'Send mail' },
  { id: 'stats', label: 'Read stats' },
  { id: 'templates', label: 'Manage templates' },
  { id: 'webhooks', label: 'Manage webhooks' },
] as const;
type Scope = (typeof SCOPES)[number]['id'];

export function ApiKeysTab({ domain }: { domain: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const keys = useQuery(trpc.platform.keys.queryOptions({ domain }));
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Scope[]>(['send']);
  const [secret, setSecret] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.platform.keys.queryKey({ domain }) });
  const create = useMutation(trpc.platform.createKey.mutationOptions({ onSuccess: (r) => (setSecret(r.secret), setName(''), refresh()) }));
  const revoke = useMutation(trpc.platform.revokeKey.mutationOptions({ onSuccess: refresh }));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSecret(null);
    create.mutate({ domain, name, scopes });
  };

  return (
    <div className="space-y-4">
      <form onSubmit={submit} className="space-y-3 rounded-2xl border border-slate-200 bg-white p-4" aria-label="New API key">
        <h2 className="font-semibold">New API key</h2>
        <TextField
          label="Name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
          maxLength={100}
          hint="Where the key is used, e.g. “shop backend”."
        />
        <fieldset>
          <legend className="text-sm font-medium text-slate-700">Scopes</legend>
          <div className="mt-1 flex flex-wrap gap-4">
            {SCOPES.map((s) => (
              <label key={s.id} className="inline-flex items-center gap-2 text-sm">
                <input
                  type="checkbox"
                  checked={scopes.includes(s.id)}
                  onChange={(e) => setScopes((cur) => (e.target.checked ? [...cur, s.id] : cur.filter((x) => x !== s.id)))}
                />
                {s.label}
              </label>
            ))}
          </div>
        </fieldset>
        {create.isError ? <Alert>{errorMessage(create.error)}</Alert> : null}
        <Button type="submit" loading={create.isPending} disabled={scopes.length === 0}>
          Create key
        </Button>
      </form>
      {secret ? (
        <Alert tone="success">
          <p className="font-medium">Copy the key now: it is shown only once.</p>
          <div className="mt-2 flex flex-wrap items-center gap-2">
            <code data-testid="new-api-key" className="break-all rounded bg-white px-2 py-1 font-mono text-xs">
              {secret}
            </code>
            <CopyButton value={secret} label="Copy key" />
          </div>
        </Alert>
      ) : null}
      {keys.isPending ? <Spinner label="Loading keys…" /> : null}
      {keys.isError ? <Alert>{errorMessage(keys.error)}</Alert> : null}
      {keys.data?.length === 0 ? <p className="text-sm text-slate-600">No keys yet.</p> : null}
      <ul className="space-y-2" aria-label="API keys">
        {keys.data?.map((k) => (
          <li key={k.id} className="flex flex-wrap items-center justify-between gap-2 rounded-xl border border-slate-200 bg-white p-3 text-sm">
            <div className="min-w-0">
              <p className="font-medium">
                {k.name} <code className="text-xs text-slate-500">{k.prefix}…</code>
              </p>
              <p className="text-slate-600">
                {k.scopes.join(', ')} · {k.ratePerMinute}/min · {k.lastUsedAt ? `last used ${new Date(k.lastUsedAt).toLocaleString()}` : 'never used'}
                {k.revokedAt ? ` · revoked ${new Date(k.revokedAt).toLocaleString()}` : ''}
              </p>
            </div>
            {k.revokedAt ? null : (
              <Button
                variant="secondary"
                loading={revoke.isPending && revoke.variables?.id === k.id}
                onClick={() => revoke.mutate({ domain, id: k.id })}
                aria-label={`Revoke ${k.name}`}
              >
                Revoke
              </Button>
            )}
          </li>
        ))}
      </ul>
      {revoke.isError ? <Alert>{errorMessage(revoke.error)}</Alert> : null}
    </div>
  );
}
