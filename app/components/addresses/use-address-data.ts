'use client';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '@/app/lib/trpc';

/** The address list and the domains new ones may go on, plus a way to refresh both. */
export function useAddressData() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.addresses.list.queryOptions());
  const domains = useQuery(trpc.addresses.domains.queryOptions());
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.addresses.list.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.addresses.publicKey.queryKey() }),
    ]);
  return { list, domains, refresh };
}
