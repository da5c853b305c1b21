'use client';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useTRPC } from '../trpc';
import { decryptedSummaries } from '../mail/summaries';
import { type Correspondent, correspondentsOf } from './contacts';
import type { RecipientKind } from './recipients';

/** The addresses the user may write from: the primary, addresses, and enabled aliases. */
export interface FromAddress {
  address: string;
  kind: 'primary' | 'address' | 'alias';
  isDefault: boolean;
}

export function useFromAddresses() {
  const trpc = useTRPC();
  const query = useQuery(trpc.addresses.list.queryOptions(undefined, { staleTime: 60_000 }));
  const addresses = useMemo<FromAddress[]>(
    () => (query.data ?? []).filter((a) => a.kind !== 'alias' || a.enabled).map((a) => ({ address: a.address, kind: a.kind, isDefault: a.isDefault })),
    [query.data],
  );
  return { query, addresses };
}

export function useComposeSettings() {
  const trpc = useTRPC();
  return useQuery(trpc.compose.settings.queryOptions(undefined, { staleTime: Infinity }));
}

/** What the server says about each address (kept a minute): drives the chips' lock icons and the send split. */
export function useRecipientKinds(addresses: string[]) {
  const trpc = useTRPC();
  const sorted = useMemo(() => [...new Set(addresses.map((a) => a.toLowerCase()))].sort(), [addresses]);
  const query = useQuery(
    trpc.compose.recipientKeys.queryOptions(
      { addresses: sorted },
      { enabled: sorted.length > 0, staleTime: 60_000, placeholderData: keepPreviousData, retry: false },
    ),
  );
  const byAddress = useMemo(() => new Map<string, RecipientKind>((query.data ?? []).map((k) => [k.address.toLowerCase(), k])), [query.data]);
  return { query, byAddress };
}

/** Past correspondents from the summaries decrypted in this tab; recomputed when compose opens. */
export function useCorrespondents(ownAddresses: string[]): Correspondent[] {
  return useMemo(() => correspondentsOf(decryptedSummaries(), ownAddresses), [ownAddresses]);
}
