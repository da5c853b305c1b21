import { redirect } from 'next/navigation';
import { SubPage } from '@/app/components/sub-page';
import { getCurrentSession } from '@/server/auth/current-session';
import { IdentityList } from './identity-list';

export const dynamic = 'force-dynamic';

export default async function IdentitiesPage() {
  const session = await getCurrentSession();
  if (!session) redirect('/login');
  // Names and signatures are decrypted and encrypted by this tab's key.
  return (
    <SubPage address={session.account.address} title="Names and signatures" needsKey>
      <p className="text-sm text-slate-600">
        Each address and alias you send from has its own display name and signature. They are encrypted to your key before they leave this browser; the server
        can&apos;t read them.
      </p>
      <IdentityList />
    </SubPage>
  );
}
