import Link from 'next/link';
import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { AppHeader } from '@/app/components/app-header';
import { KeyGate } from '@/app/components/key-gate';
import { getCurrentSession } from '@/server/auth/current-session';
import { env } from '@/server/env';
import { settingsFrom } from '@/server/settings';
import { ExportSection } from './export-section';
import { ImportSection } from './import-section';
import { KeySection } from './key-section';

export const dynamic = 'force-dynamic';

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="min-w-0 rounded-2xl border border-slate-200 bg-white p-4">
      <h2 id={id} className="mb-3 font-medium">
        {title}
      </h2>
      {children}
    </section>
  );
}

/** Settings → Your key and mail: everything here runs in the browser; the server hands out ciphertext only. */
export default async function KeyAndMailPage() {
  const session = await getCurrentSession();
  if (!session) redirect('/login');
  const { maxMessageBytes } = settingsFrom(env());
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
          <h1 className="text-xl font-semibold">Your key and mail</h1>
          <Section id="key-heading" title="Your key">
            <KeySection address={session.account.address} />
          </Section>
          <Section id="export-heading" title="Export mail">
            <ExportSection address={session.account.address} />
          </Section>
          <Section id="import-heading" title="Import mail">
            <ImportSection owner={session.account.id} maxMessageBytes={maxMessageBytes} />
          </Section>
        </main>
      </div>
    </KeyGate>
  );
}
