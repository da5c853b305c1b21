'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { signOutEverywhere } from '@/app/lib/auth-flows';
import { Button } from './ui';

export function AppHeader({ address }: { address: string }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  return (
    <header className="flex items-center justify-between border-b border-slate-200 bg-white px-4 py-2">
      <Link href="/inbox" className="font-semibold tracking-tight text-brand-700">
        Sealpost
      </Link>
      <div className="flex items-center gap-3 text-sm">
        <span className="hidden text-slate-600 sm:inline" data-testid="current-address">
          {address}
        </span>
        <Link href="/contacts" className="rounded-lg px-2 py-2 text-slate-700 hover:bg-slate-100 sm:px-3">
          Contacts
        </Link>
        <Link href="/settings" className="rounded-lg px-3 py-2 text-slate-700 hover:bg-slate-100">
          Settings
        </Link>
        <Button
          variant="secondary"
          loading={busy}
          onClick={async () => {
            setBusy(true);
            await signOutEverywhere();
            router.replace('/login');
          }}
        >
          Sign out
        </Button>
      </div>
    </header>
  );
}
