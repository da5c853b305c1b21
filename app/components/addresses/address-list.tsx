'use client';
import Link from 'next/link';
import { type FormEvent, useState } from 'react';
import { callKeys } from '@/app/lib/keys/key-proxy';
import { errorMessage, useTRPCClient } from '@/app/lib/trpc';
import { Alert, Button, Spinner, TextField } from '../ui';
import { DomainSelect } from './domain-select';
import { useAddressData } from './use-address-data';

/** Addresses: published in WKD, usable as From. Each one is a user ID on the key, signed here. */
export function AddressList() {
  const client = useTRPCClient();
  const { list, domains, refresh } = useAddressData();
  const [localPart, setLocalPart] = useState('');
  const [domain, setDomain] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const addresses = (list.data ?? []).filter((a) => a.kind !== 'alias');
  const chosenDomain = domain || domains.data?.[0] || '';

  /** Re-signs the key for the new set of user IDs in the Worker, then runs `save` with it. */
  async function withResignedKey(
    label: string,
    change: (ids: { name: string; email: string }[]) => { name: string; email: string }[],
    save: (publicKey: string) => Promise<unknown>,
  ) {
    setBusy(label);
    setError(null);
    try {
      const current = await client.addresses.publicKey.query();
      const { publicKey } = await callKeys('setUserIds', { userIds: change(current.userIds) });
      await save(publicKey);
      await refresh();
      return true;
    } catch (err) {
      setError(errorMessage(err));
      return false;
    } finally {
      setBusy(null);
    }
  }

  async function add(event: FormEvent) {
    event.preventDefault();
    const local = localPart.trim().toLowerCase();
    if (!local) return setError('Enter the part before the @.');
    const email = `${local}@${chosenDomain}`;
    const ok = await withResignedKey(
      'Signing your key for the new address…',
      (ids) => [...ids, { name: ids[0]?.name ?? local, email }],
      (publicKey) => client.addresses.add.mutate({ localPart: local, domain: chosenDomain, publicKey }),
    );
    if (ok) setLocalPart('');
  }

  return (
    <section aria-labelledby="addresses-heading" className="rounded-2xl border border-slate-200 bg-white p-4">
      <h2 id="addresses-heading" className="font-medium">
        Addresses
      </h2>
      <p className="mt-1 text-sm text-slate-600">Addresses receive mail, can be sent from, and publish your key so others can encrypt to you.</p>
      {list.isPending ? (
        <div className="mt-4 text-sm">
          <Spinner label="Loading addresses…" />
        </div>
      ) : null}
      {list.isError ? (
        <div className="mt-4">
          <Alert>{errorMessage(list.error)}</Alert>
        </div>
      ) : null}
      <ul className="mt-4 divide-y divide-slate-100" aria-label="Your addresses">
        {addresses.map((a) => (
          <li key={a.address} className="flex items-center justify-between gap-3 py-2 text-sm">
            <span className="font-medium">
              {a.address}
              {a.isDefault ? <span className="ml-2 rounded bg-brand-50 px-1.5 py-0.5 text-xs text-brand-700">Default</span> : null}
            </span>
            <span className="flex gap-2">
              {a.isDefault ? null : (
                <Button variant="ghost" onClick={() => client.addresses.setDefault.mutate({ id: a.id }).then(refresh, (e) => setError(errorMessage(e)))}>
                  Make default
                </Button>
              )}
              {a.kind === 'address' ? (
                <Button
                  variant="secondary"
                  aria-label={`Remove ${a.address}`}
                  onClick={() =>
                    withResignedKey(
                      'Removing the address from your key…',
                      (ids) => ids.filter((i) => i.email !== a.address),
                      (publicKey) => client.addresses.remove.mutate({ id: a.id!, publicKey }),
                    )
                  }
                >
                  Remove
                </Button>
              ) : null}
            </span>
          </li>
        ))}
      </ul>
      {error ? (
        <div className="mt-3">
          <Alert>{error}</Alert>
        </div>
      ) : null}
      {busy ? (
        <p className="mt-3 text-sm">
          <Spinner label={busy} />
        </p>
      ) : null}
      {domains.data && domains.data.length === 0 ? (
        <p className="mt-4 text-sm text-slate-600">
          To add addresses, first add and verify a domain in{' '}
          <Link className="text-brand-600 hover:underline" href="/settings/domains">
            Settings → Domains
          </Link>
          .
        </p>
      ) : domains.data ? (
        <form onSubmit={add} className="mt-4 grid gap-3 sm:grid-cols-[1fr_1fr_auto] sm:items-end" noValidate>
          <TextField
            label="New address"
            autoCapitalize="none"
            spellCheck={false}
            value={localPart}
            onChange={(e) => setLocalPart(e.target.value)}
            placeholder="hello"
          />
          <DomainSelect domains={domains.data} value={chosenDomain} onChange={setDomain} />
          <Button type="submit" loading={busy !== null}>
            Add address
          </Button>
        </form>
      ) : null}
    </section>
  );
}
