import { redirect } from 'next/navigation';
import { SubPage } from '@/app/components/sub-page';
import { AddressBookPage } from '@/app/components/contacts/address-book';
import { getCurrentSession } from '@/server/auth/current-session';

export const dynamic = 'force-dynamic';

export default async function ContactsPage() {
  const session = await getCurrentSession();
  if (!session) redirect('/login');
  // Contacts are decrypted and encrypted in this tab's key Worker: unlock it first, as after a reload.
  return (
    <SubPage address={session.account.address} back={{ href: '/inbox', label: 'Inbox' }} needsKey>
      <AddressBookPage />
    </SubPage>
  );
}
