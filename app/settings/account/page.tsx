import Link from 'next/link';
import { redirect } from 'next/navigation';
import { AppHeader } from '@/app/components/app-header';
import { KeyGate } from '@/app/components/key-gate';
import { getCurrentSession } from '@/server/auth/current-session';
import { SettingsSection } from '../section';
import { DisplayNameSection } from './display-name-section';
import { PasswordSection } from './password-section';
import { RecoveryPhraseSection } from './recovery-phrase-section';
import { TwoFactorSection } from './two-factor-section';

export const dynamic = 'force-dynamic';

export default async function AccountSecurityPage() {
  const session = await getCurrentSession();
  if (!session) redirect('/login');
  // The key must be unlocked in this tab: a password change and a new phrase re-wrap it here.
  return (
    <KeyGate>
      <div className="min-h-screen">
        <AppHeader address={session.account.address} />
        <main className="mx-auto max-w-3xl space-y-6 p-4">
          <p className="text-sm">
            <Link href="/settings" className="text-brand-600 hover:underline">
              ← Settings
            </Link>
          </p>
          <h1 className="text-xl font-semibold">Account and security</h1>
          <SettingsSection id="display-name-heading" title="Display name">
            <DisplayNameSection />
          </SettingsSection>
          <SettingsSection id="password-heading" title="Password">
            <PasswordSection username={session.account.username} />
          </SettingsSection>
          <SettingsSection id="recovery-heading" title="Recovery phrase">
            <RecoveryPhraseSection />
          </SettingsSection>
          <SettingsSection id="two-factor-heading" title="Two-factor authentication">
            <TwoFactorSection />
          </SettingsSection>
        </main>
      </div>
    </KeyGate>
  );
}
