import Link from 'next/link';
import { redirect } from 'next/navigation';
import { AppHeader } from '@/app/components/app-header';
import { getCurrentSession } from '@/server/auth/current-session';
import { MailFilters } from './mail-filters';
import { ConversationSetting } from '@/app/components/conversations/conversation-setting';
import { NotificationSetting } from '@/app/components/mail/notification-setting';
import { DeleteAccount } from './delete-account';
import { SessionList } from './session-list';
import { StorageUsage } from './storage-usage';

export const dynamic = 'force-dynamic';

export default async function SettingsPage() {
  const session = await getCurrentSession();
  if (!session) redirect('/login');
  return (
    <div className="min-h-screen">
      <AppHeader address={session.account.address} />
      <main className="mx-auto max-w-3xl space-y-6 p-4">
        <h1 className="text-xl font-semibold">Settings</h1>
        <nav aria-label="Settings sections" className="flex flex-wrap gap-x-4 gap-y-2 text-sm">
          <Link className="text-brand-600 hover:underline" href="/settings/addresses">
            Addresses and aliases
          </Link>
          <Link className="text-brand-600 hover:underline" href="/settings/identities">
            Names and signatures
          </Link>
          <Link className="text-brand-600 hover:underline" href="/settings/keys">
            Correspondents’ keys
          </Link>
          <Link className="text-brand-600 hover:underline" href="/settings/account">
            Account and security
          </Link>
          <Link className="text-brand-600 hover:underline" href="/settings/data">
            Your key and mail
          </Link>
          <Link className="text-brand-600 hover:underline" href="/contacts">
            Contacts
          </Link>
        </nav>
        <section aria-labelledby="domains-heading" className="rounded-2xl border border-slate-200 bg-white p-4">
          <h2 id="domains-heading" className="font-medium">
            Domains
          </h2>
          <p className="mt-1 text-sm text-slate-600">Add your own domains, publish their DNS records, and turn catch-all on or off.</p>
          <Link
            href="/settings/domains"
            className="mt-3 inline-block rounded-lg border border-slate-300 px-3 py-2 text-sm font-medium text-slate-800 hover:bg-slate-50"
          >
            Manage domains
          </Link>
        </section>
        <ConversationSetting />
        <NotificationSetting />
        {session.account.isAdmin ? (
          <section aria-labelledby="administration-heading" className="rounded-2xl border border-slate-200 bg-white p-4">
            <h2 id="administration-heading" className="font-medium">
              Administration
            </h2>
            <p className="mt-1 text-sm text-slate-600">Users, invitations, registration, the outbound queue, the audit log and the instance’s status.</p>
            <Link
              href="/settings/admin"
              className="mt-3 inline-block rounded-lg border border-slate-300 px-3 py-2 text-sm font-medium text-slate-800 hover:bg-slate-50"
            >
              Open the admin console
            </Link>
          </section>
        ) : null}
        <section aria-labelledby="storage-heading" className="rounded-2xl border border-slate-200 bg-white p-4">
          <h2 id="storage-heading" className="font-medium">
            Storage
          </h2>
          <StorageUsage />
        </section>
        <section aria-labelledby="sessions-heading" className="rounded-2xl border border-slate-200 bg-white p-4">
          <h2 id="sessions-heading" className="font-medium">
            Sessions
          </h2>
          <p className="mt-1 text-sm text-slate-600">Everywhere you are signed in. Revoking one signs it out at its next request.</p>
          <SessionList />
        </section>
        <section aria-labelledby="filters-heading" className="rounded-2xl border border-slate-200 bg-white p-4">
          <h2 id="filters-heading" className="font-medium">
            Filters
          </h2>
          <p className="mt-1 text-sm text-slate-600">
            Rules the server applies as mail arrives, before encrypting it. The server can read these rules (the text you filter on), but not your mail.
          </p>
          <MailFilters />
        </section>
        <section aria-labelledby="delete-heading" className="rounded-2xl border border-red-200 bg-white p-4">
          <h2 id="delete-heading" className="font-medium text-red-800">
            Delete account
          </h2>
          <p className="mt-1 text-sm text-slate-600">Deletes your messages, keys, addresses, aliases, domains and sessions. This can’t be undone.</p>
          <DeleteAccount />
        </section>
      </main>
    </div>
  );
}
