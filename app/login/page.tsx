import { redirect } from 'next/navigation';
import { getAnySession, getCurrentSession } from '@/server/auth/current-session';
import { stageAfterPassword } from '@/server/auth/two-factor.service';
import { getDb } from '@/server/db';
import { LoginForm } from './login-form';

export const dynamic = 'force-dynamic';

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ reason?: string }> }) {
  if (await getCurrentSession()) redirect('/inbox');
  const { reason } = await searchParams;
  // Signed in, but 2FA became required and this account has none: straight to enrolment (the tab's
  // sealed key opens the mailbox after it). A sign-in still at its second step starts again with the
  // password instead: after a reload this tab no longer holds the key the password unlocks.
  const session = await getAnySession();
  const enrolNow = session?.gated === true && (await stageAfterPassword(getDb(), session.userId)) === 'enrol';
  return <LoginForm reason={reason ?? null} enrolNow={enrolNow} />;
}
