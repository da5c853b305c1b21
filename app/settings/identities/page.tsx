import Link from 'next/link';
import { redirect } from 'next/navigation';
import { AppHeader } from '@/app/components/app-header';
import { KeyGate } from '@/app/components/key-gate';
import { getCurrentSession } from '@/server/auth/current-session';
import { IdentityList } from './identity-list';

export const dynamic = 'force-dynamic';

export default async function IdentitiesPage() {
  const session = await getCurrentSession();
  if (!session) redirect('/login');
  // Names and signatures are decrypted and encrypted by this tab's key.
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
          <h1 className="text-xl font-semibold">Names and signatures</h1>
          <p className="text-sm text-slate-600">
            Each address and alias you send from has its own display name and signature. They are encrypted to your key before they leave this browser; the
            server can&apos;t read them.
          </p>
          <IdentityList />
        </main>
      </div>
    </KeyGate>
  );
}
