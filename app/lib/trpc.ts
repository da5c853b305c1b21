'use client';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import type { AppRouter } from '@/server/api/root';

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

export function makeTrpcClient() {
  return createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: '/api/trpc', maxItems: 50 })] });
}

export type TrpcClient = ReturnType<typeof makeTrpcClient>;

/** The message of a failed call, fit to show a person: servers send vetted texts, networks don't. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error && err.message && !/fetch|network/i.test(err.message)) return err.message;
  return 'Sealpost could not be reached. Check your connection and try again.';
}
