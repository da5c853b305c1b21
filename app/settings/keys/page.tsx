import { redirect } from 'next/navigation';
import { SubPage } from '@/app/components/sub-page';
import { PinnedKeys } from '@/app/components/keys/pinned-keys';
import { getCurrentSession } from '@/server/auth/current-session';

export const dynamic = 'force-dynamic';

export default async function KeysPage() {
  const session = await getCurrentSession();
  if (!session) redirect('/login');
  return (
    <SubPage address={session.account.address} title="Correspondents’ keys">
      <PinnedKeys />
    </SubPage>
  );
}
