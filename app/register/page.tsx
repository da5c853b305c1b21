import Link from 'next/link';
import { redirect } from 'next/navigation';
import { AuthCard } from '@/app/components/ui';
import { publicConfig } from '@/server/auth/account.service';
import { getCurrentSession } from '@/server/auth/current-session';
import { env } from '@/server/env';
import { settingsFrom } from '@/server/settings';
import { RegisterFlow } from './register-flow';

export const dynamic = 'force-dynamic';

export default async function RegisterPage() {
  if (await getCurrentSession()) redirect('/inbox');
  const config = publicConfig(settingsFrom(env()));
  if (!config.registrationOpen) {
    return (
      <AuthCard title="Registration is closed" subtitle="This server does not accept new sign-ups. Ask its administrator for an account.">
        <Link className="text-sm text-brand-600 hover:underline" href="/login">
          Back to sign in
        </Link>
      </AuthCard>
    );
  }
  return <RegisterFlow mailDomain={config.mailDomain} />;
}
