import Link from 'next/link';
import { redirect } from 'next/navigation';
import { AdminConsole } from '@/app/components/admin/admin-console';
import { AppHeader } from '@/app/components/app-header';
import { getCurrentSession } from '@/server/auth/current-session';

export const dynamic = 'force-dynamic';

export default async function AdministrationPage() {
  const session = await getCurrentSession();
  if (!session) redirect('/login');
  return (
    <div className="min-h-screen">
      <AppHeader address={session.account.address} />
      <main className="mx-auto max-w-6xl space-y-4 p-4">
        <p className="text-sm">
          <Link href="/settings" className="text-brand-600 hover:underline">
            ← Settings
          </Link>
        </p>
        <h1 className="text-xl font-semibold">Administration</h1>
        {session.account.isAdmin ? (
          <AdminConsole currentUserId={session.account.id} />
        ) : (
          <p role="alert" className="rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
            Only administrators can see this page.
          </p>
        )}
      </main>
    </div>
  );
}
