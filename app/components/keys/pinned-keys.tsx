'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { errorMessage, useTRPC } from '@/app/lib/trpc';
import { Alert, Button, Spinner, TextField } from '../ui';

/**
 * OpenPGP keys the user pinned for people on other servers. Mail to a pinned address is encrypted
 * to that key in the browser; a pin wins over whatever the recipient's Web Key Directory says.
 */
export function PinnedKeys() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const keyId = useId();
  const [address, setAddress] = useState('');
  const [publicKey, setPublicKey] = useState('');
  const list = useQuery(trpc.compose.pinnedKeys.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.compose.pinnedKeys.queryKey() });
  const pin = useMutation(
    trpc.compose.pinKey.mutationOptions({
      onSuccess: () => {
        setAddress('');
        setPublicKey('');
        void refresh();
      },
    }),
  );
  const unpin = useMutation(trpc.compose.unpinKey.mutationOptions({ onSettled: refresh }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    pin.mutate({ address, publicKey });
  };

  return (
    <div className="space-y-6">
      <section aria-labelledby="pinned-heading" className="space-y-3 rounded-2xl border border-slate-200 bg-white p-4">
        <h2 id="pinned-heading" className="font-medium">
          Pinned keys
        </h2>
        {list.isPending ? (
          <Spinner label="Loading…" />
        ) : list.isError ? (
          <Alert>{errorMessage(list.error)}</Alert>
        ) : list.data.length === 0 ? (
          <p className="text-sm text-slate-600">No keys pinned. Mail to other servers uses the recipient’s Web Key Directory when it has one.</p>
        ) : (
          <ul className="divide-y divide-slate-100" aria-label="Pinned keys">
            {list.data.map((k) => (
              <li key={k.id} className="flex items-center gap-3 py-2 text-sm">
                <div className="min-w-0 flex-1">
                  <p className="truncate font-medium">{k.address}</p>
                  <p className="break-all font-mono text-xs text-slate-500">{k.fingerprint.replace(/(.{4})/g, '$1 ').trim()}</p>
                </div>
                <Button
                  variant="secondary"
                  loading={unpin.isPending && unpin.variables?.id === k.id}
                  onClick={() => unpin.mutate({ id: k.id })}
                  aria-label={`Remove the key for ${k.address}`}
                >
                  Remove
                </Button>
              </li>
            ))}
          </ul>
        )}
        {unpin.error ? <Alert>{errorMessage(unpin.error)}</Alert> : null}
      </section>

      <form onSubmit={submit} className="space-y-3 rounded-2xl border border-slate-200 bg-white p-4" aria-labelledby="pin-heading">
        <h2 id="pin-heading" className="font-medium">
          Pin a key
        </h2>
        <TextField label="Address" type="email" required value={address} onChange={(e) => setAddress(e.target.value)} autoComplete="off" />
        <div>
          <label htmlFor={keyId} className="block text-sm font-medium text-slate-700">
            Public key (ASCII-armored)
          </label>
          <textarea
            id={keyId}
            required
            rows={8}
            value={publicKey}
            onChange={(e) => setPublicKey(e.target.value)}
            placeholder="-----BEGIN PGP PUBLIC KEY BLOCK-----"
            className="mt-1 block w-full rounded-lg border border-slate-300 px-3 py-2 font-mono text-xs"
          />
          <p className="mt-1 text-xs text-slate-600">The key must name this address in one of its user IDs and be able to encrypt.</p>
        </div>
        {pin.error ? <Alert>{errorMessage(pin.error)}</Alert> : null}
        {pin.isSuccess ? <Alert tone="success">Key pinned.</Alert> : null}
        <Button type="submit" loading={pin.isPending}>
          Pin key
        </Button>
      </form>
    </div>
  );
}
