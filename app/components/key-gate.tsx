'use client';
import { useRouter } from 'next/navigation';
import { type ReactNode, useEffect, useState } from 'react';
import { resumeSession, signOutEverywhere } from '@/app/lib/auth-flows';
import { useTRPCClient } from '@/app/lib/trpc';
import { Spinner } from './ui';

/**
 * Renders its children once this tab's key Worker holds the private key. After a reload it unseals
 * wrapKey from sessionStorage with the session's server-held client key; without that, sign in again.
 */
export function KeyGate({ children }: { children: ReactNode }) {
  const client = useTRPCClient();
  const router = useRouter();
  const [state, setState] = useState<'checking' | 'ready'>('checking');

  useEffect(() => {
    let cancelled = false;
    resumeSession(client)
      .then(async (result) => {
        if (cancelled) return;
        if (result === 'ok') return setState('ready');
        await signOutEverywhere();
        router.replace(result === 'no-blob' ? '/login?reason=locked' : '/login?reason=ended');
      })
      .catch(() => !cancelled && router.replace('/login?reason=ended'));
    return () => {
      cancelled = true;
    };
  }, [client, router]);

  if (state === 'checking') {
    return (
      <div className="flex min-h-screen items-center justify-center text-slate-600">
        <Spinner label="Unlocking your mailbox…" />
      </div>
    );
  }
  return <>{children}</>;
}
