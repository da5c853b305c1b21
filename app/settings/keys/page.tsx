import Link from 'next/link';
import { redirect } from 'next/navigation';
import { AppHeader } from '@/app/components/app-header';
import { PinnedKeys } from '@/app/components/keys/pinned-keys';
import { getCurrentSession } from '@/server/auth/current-session';

export const dynamic = 'force-dynamic';

export default async function KeysPage() {
  const session = await getCurrentSession();
  if (!session) redirect('/login');
  return (
    <div className="min-h-screen">
      <AppHeader address={session.account.address} />
      <main className="mx-auto max-w-3xl space-y-6 p-4">
        <p className="text-sm">
          <Link href="/settings" className="text-brand-600 hover:underline">
            ← Settings
          </Link>
        </p>
        <h1 className="text-xl font-semibold">Correspondents’ keys</h1>
        <PinnedKeys />
      </main>
    </div>
  );
}
