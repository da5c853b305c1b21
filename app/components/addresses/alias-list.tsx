'use client';
import { type FormEvent, useEffect, useState } from 'react';
import { errorMessage, useTRPCClient } from '@/app/lib/trpc';
import { Alert, Button, Spinner, TextField } from '../ui';
import { DomainSelect } from './domain-select';
import { useAddressData } from './use-address-data';

/** Aliases: receive only, never published; each can be noted, switched off, or deleted. */
export function AliasList() {
  const client = useTRPCClient();
  const { list, domains, refresh } = useAddressData();
  const [localPart, setLocalPart] = useState('');
  const [note, setNote] = useState('');
  const [domain, setDomain] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const aliases = (list.data ?? []).filter((a) => a.kind === 'alias');
  const chosenDomain = domain || domains.data?.[0] || '';

  async function run(action: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    try {
      await action();
      await refresh();
      return true;
    } catch (err) {
      setError(errorMessage(err));
      return false;
    } finally {
      setBusy(false);
    }
  }

  async function create(random: boolean, event?: FormEvent) {
    event?.preventDefault();
    const local = localPart.trim().toLowerCase();
    if (!random && !local) return setError('Enter the alias, or create a random one.');
    const ok = await run(() =>
      client.addresses.addAlias.mutate({ domain: chosenDomain, localPart: random ? undefined : local, note: note.trim() || undefined }),
    );
    if (ok) {
      setLocalPart('');
      setNote('');
    }
  }

  return (
    <section aria-labelledby="aliases-heading" className="rounded-2xl border border-slate-200 bg-white p-4">
      <h2 id="aliases-heading" className="font-medium">
        Aliases
      </h2>
      <p className="mt-1 text-sm text-slate-600">Give out an alias instead of your address. Switch it off when it starts getting spam.</p>
      {list.isPending ? (
        <div className="mt-4 text-sm">
          <Spinner label="Loading aliases…" />
        </div>
      ) : null}
      {aliases.length === 0 && list.isSuccess ? <p className="mt-4 text-sm text-slate-600">No aliases yet.</p> : null}
      <ul className="mt-4 divide-y divide-slate-100" aria-label="Your aliases">
        {aliases.map((a) => (
          <li key={a.id} className="flex flex-wrap items-center justify-between gap-3 py-2 text-sm">
            <div className="min-w-0">
              <p className={`font-medium ${a.enabled ? '' : 'text-slate-400 line-through'}`}>{a.address}</p>
              <p className="text-slate-600">
                {a.note ? `${a.note} · ` : ''}
                {a.receivedCount} received · {a.blockedCount} blocked
              </p>
            </div>
            <div className="flex items-center gap-3">
              <EnabledToggle
                address={a.address}
                enabled={a.enabled}
                onChange={(enabled) => run(() => client.addresses.updateAlias.mutate({ id: a.id!, enabled }))}
              />
              <Button variant="secondary" aria-label={`Delete ${a.address}`} onClick={() => run(() => client.addresses.removeAlias.mutate({ id: a.id! }))}>
                Delete
              </Button>
            </div>
          </li>
        ))}
      </ul>
      {error ? (
        <div className="mt-3">
          <Alert>{error}</Alert>
        </div>
      ) : null}
      {domains.data && domains.data.length > 0 ? (
        <form onSubmit={(e) => create(false, e)} className="mt-4 space-y-3" noValidate>
          <div className="grid gap-3 sm:grid-cols-2">
            <TextField
              label="Alias"
              autoCapitalize="none"
              spellCheck={false}
              value={localPart}
              onChange={(e) => setLocalPart(e.target.value)}
              placeholder="shop"
            />
            <DomainSelect domains={domains.data} value={chosenDomain} onChange={setDomain} />
          </div>
          <TextField label="Note" value={note} onChange={(e) => setNote(e.target.value)} placeholder="What you gave it out for" maxLength={200} />
          <div className="flex gap-2">
            <Button type="submit" loading={busy}>
              Create alias
            </Button>
            <Button type="button" variant="secondary" disabled={busy} onClick={() => create(true)}>
              Create random alias
            </Button>
          </div>
        </form>
      ) : null}
    </section>
  );
}

/** Shows the new state at once; the list's refresh confirms it, a failure puts it back. */
function EnabledToggle({ address, enabled, onChange }: { address: string; enabled: boolean; onChange: (enabled: boolean) => Promise<boolean> }) {
  const [shown, setShown] = useState(enabled);
  useEffect(() => setShown(enabled), [enabled]);
  return (
    <label className="flex items-center gap-1.5">
      <input
        type="checkbox"
        checked={shown}
        onChange={async (e) => {
          const next = e.target.checked;
          setShown(next);
          if (!(await onChange(next))) setShown(!next);
        }}
      />
      <span>Enabled</span>
      <span className="sr-only"> {address}</span>
    </label>
  );
}
