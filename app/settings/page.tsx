import { redirect } from 'next/navigation';
import { AppHeader } from '@/app/components/app-header';
import { getCurrentSession } from '@/server/auth/session';
import { SessionList } from './session-list';

export const dynamic = 'force-dynamic';

export default async function SettingsPage() {
  const session = await getCurrentSession();
  if (!session) redirect('/login');
  return (
    <div className="min-h-screen">
      <AppHeader address={session.account.address} />
      <main className="mx-auto max-w-3xl space-y-6 p-4">
        <h1 className="text-xl font-semibold">Settings</h1>
        <section aria-labelledby="sessions-heading" className="rounded-2xl border border-slate-200 bg-white p-4">
          <h2 id="sessions-heading" className="font-medium">
            Sessions
          </h2>
          <p className="mt-1 text-sm text-slate-600">Everywhere you are signed in. Revoking one signs it out at its next request.</p>
          <SessionList />
        </section>
      </main>
    </div>
  );
}
