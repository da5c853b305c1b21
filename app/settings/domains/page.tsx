import Link from 'next/link';
import { redirect } from 'next/navigation';
import { AppHeader } from '@/app/components/app-header';
import { DomainsManager } from '@/app/components/domains/domains-manager';
import { getCurrentSession } from '@/server/auth/current-session';

export const dynamic = 'force-dynamic';

export default async function DomainsPage() {
  const session = await getCurrentSession();
  if (!session) redirect('/login');
  return (
    <div className="min-h-screen">
      <AppHeader address={session.account.address} />
      <main className="mx-auto max-w-5xl space-y-6 p-4">
        <nav aria-label="Breadcrumb" className="text-sm">
          <ol className="flex gap-2 text-slate-600">
            <li>
              <Link href="/settings" className="text-brand-700 hover:underline">
                Settings
              </Link>
            </li>
            <li aria-hidden="true">/</li>
            <li aria-current="page">Domains</li>
          </ol>
        </nav>
        <h1 className="text-xl font-semibold">Domains</h1>
        <DomainsManager />
      </main>
    </div>
  );
}
