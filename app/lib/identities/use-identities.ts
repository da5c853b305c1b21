'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo } from 'react';
import { fromBase64, toBase64 } from '@/crypto/encoding';
import { useFromAddresses } from '../compose/use-compose-data';
import { callKeys } from '../keys/key-proxy';
import { useTRPC } from '../trpc';
import { type Identity, type Signature, type StoredIdentity, decodeIdentity, encodeIdentity, identitiesFor, isEmptySignature } from './identity-model';
import { sanitizeSignatureHtml } from './signature-sanitize';

/**
 * The user's sending identities: their addresses, each with its display name and signature,
 * decrypted in the key Worker (the server has ciphertext only). `identities` is undefined until
 * everything is loaded and decrypted.
 */
export function useIdentities() {
  const trpc = useTRPC();
  const { addresses, query: addressesQuery } = useFromAddresses();
  const stored = useQuery(trpc.identities.list.queryOptions(undefined, { staleTime: 60_000 }));
  const account = useQuery(trpc.security.displayName.queryOptions(undefined, { staleTime: 60_000 }));
  const decrypted = useQuery({
    queryKey: ['sealpost-decrypted', 'identities', stored.data?.map((i) => `${i.address}:${i.updatedAt}`) ?? []],
    enabled: stored.isSuccess,
    staleTime: Infinity,
    queryFn: async (): Promise<Map<string, StoredIdentity | 'unreadable'>> => {
      const rows = stored.data ?? [];
      if (rows.length === 0) return new Map();
      const { results } = await callKeys('decryptBatch', { items: rows.map((r) => fromBase64(r.ciphertext)) });
      return new Map<string, StoredIdentity | 'unreadable'>(
        rows.map((row, i): [string, StoredIdentity | 'unreadable'] => {
          const result = results[i];
          const identity = result?.status === 'ok' ? decodeIdentity(result.data) : null;
          if (!identity) return [row.address, 'unreadable'];
          const signature = identity.signature ? { ...identity.signature, html: sanitizeSignatureHtml(identity.signature.html) } : null;
          return [row.address, { ...identity, signature }];
        }),
      );
    },
  });
  const identities = useMemo<Identity[] | undefined>(() => {
    if (!decrypted.data || !account.data || !addressesQuery.data) return undefined;
    return identitiesFor(addresses, decrypted.data, account.data.displayName);
  }, [addresses, addressesQuery.data, decrypted.data, account.data]);
  const error = stored.error ?? decrypted.error ?? account.error ?? addressesQuery.error;
  return { identities, error, accountName: account.data?.displayName ?? null };
}

/** Saves one identity, encrypted to the user's own key here; an empty name and signature reset it. */
export function useSaveIdentity() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.identities.list.queryKey() });
  const save = useMutation(trpc.identities.save.mutationOptions({ onSettled: refresh }));
  const reset = useMutation(trpc.identities.reset.mutationOptions({ onSettled: refresh }));
  const saveIdentity = useCallback(
    async (address: string, input: { displayName: string; signature: Signature | null }) => {
      const signature = isEmptySignature(input.signature) ? null : { html: sanitizeSignatureHtml(input.signature!.html), text: input.signature!.text };
      const displayName = input.displayName.trim() || null;
      if (!displayName && !signature) {
        await reset.mutateAsync({ address }).catch((err: unknown) => {
          // Nothing stored yet is the state asked for.
          if (!(err instanceof Error && /has no saved/.test(err.message))) throw err;
        });
        return;
      }
      const { parts } = await callKeys('encryptToSelf', { parts: [encodeIdentity({ v: 1, displayName, signature })] });
      await save.mutateAsync({ address, ciphertext: toBase64(parts[0]!) });
    },
    [save, reset],
  );
  return { saveIdentity, pending: save.isPending || reset.isPending, error: save.error ?? reset.error };
}
