import { redirect } from 'next/navigation';
import Link from 'next/link';
import { AppHeader } from '@/app/components/app-header';
import { KeyGate } from '@/app/components/key-gate';
import { AddressList } from '@/app/components/addresses/address-list';
import { AliasList } from '@/app/components/addresses/alias-list';
import { getCurrentSession } from '@/server/auth/current-session';

export const dynamic = 'force-dynamic';

export default async function AddressesPage() {
  const session = await getCurrentSession();
  if (!session) redirect('/login');
  return (
    <KeyGate>
      <div className="min-h-screen">
        <AppHeader address={session.account.address} />
        <main className="mx-auto max-w-3xl space-y-6 p-4">
          <p className="text-sm">
            <Link href="/settings" className="text-brand-600 hover:underline">
              ← Settings
            </Link>
          </p>
          <h1 className="text-xl font-semibold">Addresses and aliases</h1>
          <AddressList />
          <AliasList />
        </main>
      </div>
    </KeyGate>
  );
}
