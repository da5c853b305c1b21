import { redirect } from 'next/navigation';
import { SubPage } from '@/app/components/sub-page';
import { AddressList } from '@/app/components/addresses/address-list';
import { AliasList } from '@/app/components/addresses/alias-list';
import { getCurrentSession } from '@/server/auth/current-session';

export const dynamic = 'force-dynamic';

export default async function AddressesPage() {
  const session = await getCurrentSession();
  if (!session) redirect('/login');
  return (
    <SubPage address={session.account.address} title="Addresses and aliases" needsKey>
      <AddressList />
      <AliasList />
    </SubPage>
  );
}
