import { redirect } from 'next/navigation';
import { AdminConsole } from '@/app/components/admin/admin-console';
import { SubPage } from '@/app/components/sub-page';
import { getCurrentSession } from '@/server/auth/current-session';

export const dynamic = 'force-dynamic';

export default async function AdministrationPage() {
  const session = await getCurrentSession();
  if (!session) redirect('/login');
  return (
    <SubPage address={session.account.address} title="Administration" wide>
      {session.account.isAdmin ? (
        <AdminConsole currentUserId={session.account.id} />
      ) : (
        <p role="alert" className="rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
          Only administrators can see this page.
        </p>
      )}
    </SubPage>
  );
}
