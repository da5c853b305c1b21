import { redirect } from 'next/navigation';
import { AppHeader } from '@/app/components/app-header';
import { KeyGate } from '@/app/components/key-gate';
import { getCurrentSession } from '@/server/auth/current-session';
import { Mailbox } from '@/app/components/mail/mailbox';

export const dynamic = 'force-dynamic';

export default async function InboxPage() {
  const session = await getCurrentSession();
  if (!session) redirect('/login');
  return (
    <KeyGate>
      <div className="flex h-screen flex-col">
        <AppHeader address={session.account.address} />
        <Mailbox address={session.account.address} />
      </div>
    </KeyGate>
  );
}
