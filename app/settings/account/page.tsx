import Link from 'next/link';
import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { AppHeader } from '@/app/components/app-header';
import { KeyGate } from '@/app/components/key-gate';
import { getCurrentSession } from '@/server/auth/current-session';
import { DisplayNameSection } from './display-name-section';
import { PasswordSection } from './password-section';
import { RecoveryPhraseSection } from './recovery-phrase-section';
import { TwoFactorSection } from './two-factor-section';

export const dynamic = 'force-dynamic';

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="rounded-2xl border border-slate-200 bg-white p-4">
      <h2 id={id} className="mb-3 font-medium">
        {title}
      </h2>
      {children}
    </section>
  );
}

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
          <Section id="display-name-heading" title="Display name">
            <DisplayNameSection />
          </Section>
          <Section id="password-heading" title="Password">
            <PasswordSection username={session.account.username} />
          </Section>
          <Section id="recovery-heading" title="Recovery phrase">
            <RecoveryPhraseSection />
          </Section>
          <Section id="two-factor-heading" title="Two-factor authentication">
            <TwoFactorSection />
          </Section>
        </main>
      </div>
    </KeyGate>
  );
}
