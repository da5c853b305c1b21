import { redirect } from 'next/navigation';
import { SubPage } from '@/app/components/sub-page';
import { getCurrentSession } from '@/server/auth/current-session';
import { SettingsSection } from '../section';
import { env } from '@/server/env';
import { settingsFrom } from '@/server/settings';
import { ExportSection } from './export-section';
import { ImportSection } from './import-section';
import { KeyImportSection } from './key-import-section';
import { KeySection } from './key-section';

export const dynamic = 'force-dynamic';

/** Settings → Your key and mail: everything here runs in the browser; the server hands out ciphertext only. */
export default async function KeyAndMailPage() {
  const session = await getCurrentSession();
  if (!session) redirect('/login');
  const { maxMessageBytes } = settingsFrom(env());
  return (
    <SubPage address={session.account.address} title="Your key and mail" needsKey>
      <SettingsSection id="key-heading" title="Your key">
        <KeySection address={session.account.address} />
      </SettingsSection>
      <SettingsSection id="key-import-heading" title="Bring your own key">
        <KeyImportSection />
      </SettingsSection>
      <SettingsSection id="export-heading" title="Export mail">
        <ExportSection address={session.account.address} />
      </SettingsSection>
      <SettingsSection id="import-heading" title="Import mail">
        <ImportSection owner={session.account.id} maxMessageBytes={maxMessageBytes} />
      </SettingsSection>
    </SubPage>
  );
}
