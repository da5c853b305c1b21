import Link from 'next/link';
import type { ReactNode } from 'react';
import { AppHeader } from './app-header';
import { KeyGate } from './key-gate';

/**
 * The frame of a page below Settings (or beside the mailbox): the header, a link back, the title
 * and the content. A page that decrypts or encrypts in this tab (`needsKey`) is wrapped in the
 * KeyGate, which unlocks the key first, as after a reload.
 */
export function SubPage({
  address,
  title,
  back = { href: '/settings', label: 'Settings' },
  needsKey = false,
  wide = false,
  children,
}: {
  address: string;
  title?: string;
  back?: { href: string; label: string };
  needsKey?: boolean;
  /** Tables that need the room (the admin console). */
  wide?: boolean;
  children: ReactNode;
}) {
  const page = (
    <div className="min-h-screen">
      <AppHeader address={address} />
      <main className={`mx-auto p-4 ${wide ? 'max-w-6xl space-y-4' : 'max-w-3xl space-y-6'}`}>
        <p className="text-sm">
          <Link href={back.href} className="text-brand-600 hover:underline">
            ← {back.label}
          </Link>
        </p>
        {title ? <h1 className="text-xl font-semibold">{title}</h1> : null}
        {children}
      </main>
    </div>
  );
  return needsKey ? <KeyGate>{page}</KeyGate> : page;
}
