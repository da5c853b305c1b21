import Link from 'next/link';
import { redirect } from 'next/navigation';
import { AuthCard } from '@/app/components/ui';
import { publicConfig } from '@/server/auth/account.service';
import { getCurrentSession } from '@/server/auth/current-session';
import { inviteIsUsable } from '@/server/auth/invite.service';
import { systemClock } from '@/server/clock';
import { getDb } from '@/server/db';
import { env } from '@/server/env';
import { settingsFrom } from '@/server/settings';
import { RegisterFlow } from './register-flow';

export const dynamic = 'force-dynamic';

export default async function RegisterPage({ searchParams }: { searchParams: Promise<{ invite?: string | string[] }> }) {
  if (await getCurrentSession()) redirect('/inbox');
  const config = await publicConfig(getDb(), settingsFrom(env()));
  const { invite: param } = await searchParams;
  const invite = typeof param === 'string' ? param : undefined;
  if (invite) {
    if (!(await inviteIsUsable(getDb(), systemClock.now(), invite))) {
      return (
        <AuthCard title="This invitation can't be used" subtitle="It has already been used or has expired. Ask the administrator for a new link.">
          <Link className="text-sm text-brand-600 hover:underline" href="/login">
            Back to sign in
          </Link>
        </AuthCard>
      );
    }
    return <RegisterFlow mailDomain={config.mailDomain} invite={invite} />;
  }
  if (!config.registrationOpen) {
    const byInvite = config.registrationPolicy === 'invite';
    return (
      <AuthCard
        title={byInvite ? 'Registration is by invitation' : 'Registration is closed'}
        subtitle={
          byInvite
            ? 'This server accepts new accounts by invitation only. Ask its administrator for an invitation link.'
            : 'This server does not accept new sign-ups. Ask its administrator for an account.'
        }
      >
        <Link className="text-sm text-brand-600 hover:underline" href="/login">
          Back to sign in
        </Link>
      </AuthCard>
    );
  }
  return <RegisterFlow mailDomain={config.mailDomain} />;
}
