import { redirect } from 'next/navigation';
import { SubPage } from '@/app/components/sub-page';
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
    <SubPage address={session.account.address} title="Account and security" needsKey>
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
    </SubPage>
  );
}
