import Link from 'next/link';
import { redirect } from 'next/navigation';
import { AppHeader } from '@/app/components/app-header';
import { AddressBookPage } from '@/app/components/contacts/address-book';
import { KeyGate } from '@/app/components/key-gate';
import { getCurrentSession } from '@/server/auth/current-session';

export const dynamic = 'force-dynamic';

export default async function ContactsPage() {
  const session = await getCurrentSession();
  if (!session) redirect('/login');
  // Contacts are decrypted and encrypted in this tab's key Worker: unlock it first, as after a reload.
  return (
    <KeyGate>
      <div className="min-h-screen">
        <AppHeader address={session.account.address} />
        <main className="mx-auto max-w-3xl space-y-6 p-4">
          <p className="text-sm">
            <Link href="/inbox" className="text-brand-600 hover:underline">
              ← Inbox
            </Link>
          </p>
          <AddressBookPage />
        </main>
      </div>
    </KeyGate>
  );
}
