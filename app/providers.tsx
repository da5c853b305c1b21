'use client';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { z } from 'zod';
import { isSessionEnded, onSignedInError } from './lib/session-ended';
import { TRPCProvider, makeTrpcClient } from './lib/trpc';

// zod probes whether it may compile validators with `new Function`. The pages' Content-Security-Policy
// forbids eval, and Chromium reports the probe as a violation even though zod catches it: in the
// browser, zod validates without compiling.
z.config({ jitless: true });

export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(() => {
    const client: QueryClient = new QueryClient({
      defaultOptions: { queries: { staleTime: 10_000, retry: (failures, error) => failures < 1 && !isSessionEnded(error), refetchOnWindowFocus: false } },
      // A 401 means the session is over: the tab wipes what it decrypted and goes to /login.
      queryCache: new QueryCache({ onError: (error) => onSignedInError(error, client) }),
      mutationCache: new MutationCache({ onError: (error) => onSignedInError(error, client) }),
    });
    return client;
  });
  const [trpcClient] = useState(makeTrpcClient);
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
