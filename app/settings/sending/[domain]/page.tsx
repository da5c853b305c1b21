import Link from 'next/link';
import { redirect } from 'next/navigation';
import { AppHeader } from '@/app/components/app-header';
import { SendingTabs } from '@/app/components/sending/sending-tabs';
import { getCurrentSession } from '@/server/auth/current-session';

export const dynamic = 'force-dynamic';

/** A domain's sending platform: API keys, templates, webhooks, stats and recent sends. */
export default async function SendingPage({ params }: { params: Promise<{ domain: string }> }) {
  const session = await getCurrentSession();
  if (!session) redirect('/login');
  const domain = decodeURIComponent((await params).domain).toLowerCase();
  return (
    <div className="min-h-screen">
      <AppHeader address={session.account.address} />
      <main className="mx-auto max-w-5xl space-y-6 p-4">
        <nav aria-label="Breadcrumb" className="text-sm">
          <ol className="flex flex-wrap gap-2 text-slate-600">
            <li>
              <Link href="/settings" className="text-brand-700 hover:underline">
                Settings
              </Link>
            </li>
            <li aria-hidden="true">/</li>
            <li>
              <Link href="/settings/domains" className="text-brand-700 hover:underline">
                Domains
              </Link>
            </li>
            <li aria-hidden="true">/</li>
            <li aria-current="page" className="break-all">
              {domain}
            </li>
          </ol>
        </nav>
        <h1 className="break-all text-xl font-semibold">Sending from {domain}</h1>
        <p className="text-sm text-slate-600">
          Send mail from your own software through the API or SMTP submission. The server composes this mail, so it sees its content while it is queued (sealed
          at rest, deleted after delivery); templates are stored unencrypted. See the{' '}
          <a className="text-brand-700 underline" href="/docs/api">
            API reference
          </a>
          .
        </p>
        <SendingTabs domain={domain} />
      </main>
    </div>
  );
}
