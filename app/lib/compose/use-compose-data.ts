'use client';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { mergeWithCorrespondents } from '../contacts/contact';
import { useAddressBook } from '../contacts/use-contacts';
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

/**
 * Suggestions for the recipient fields: the address book (stored encrypted, so it is there after a
 * reload), then past correspondents from the summaries decrypted in this tab (kept in memory only).
 */
export function useCorrespondents(ownAddresses: string[]): Correspondent[] {
  const contacts = useAddressBook().decrypted.data?.contacts;
  return useMemo(() => mergeWithCorrespondents(contacts ?? [], correspondentsOf(decryptedSummaries(), ownAddresses)), [contacts, ownAddresses]);
}
