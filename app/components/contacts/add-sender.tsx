'use client';
import Link from 'next/link';
import { useState } from 'react';
import { useFromAddresses } from '@/app/lib/compose/use-compose-data';
import { contactWithAddress } from '@/app/lib/contacts/contact';
import { useAddressBook, useContactActions } from '@/app/lib/contacts/use-contacts';
import { errorMessage } from '@/app/lib/trpc';
import { parseAddress } from '@/mime/address';
import { Button } from '../ui';

/**
 * "Add to contacts" for a message's sender, in the reading pane: one click stores the name and
 * address (encrypted in the browser). Hidden for the user's own addresses; once the sender is a
 * contact it says so and links to the address book.
 */
export function AddSenderToContacts({ sender }: { sender: { name: string; address: string } | undefined }) {
  const book = useAddressBook();
  const own = useFromAddresses().addresses;
  const { save } = useContactActions();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const address = sender?.address.trim() ?? '';
  const contacts = book.decrypted.data?.contacts;
  if (!sender || !parseAddress(address) || !contacts || own.some((a) => a.address.toLowerCase() === address.toLowerCase())) return null;
  const known = contactWithAddress(contacts, address);
  if (known) {
    return (
      <p className="text-xs text-slate-600">
        {known.name || address} is in your{' '}
        <Link href="/contacts" className="text-brand-600 hover:underline">
          contacts
        </Link>
        .
      </p>
    );
  }
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm">
      <Button
        variant="secondary"
        className="!px-2 !py-1 text-xs"
        loading={busy}
        onClick={async () => {
          setBusy(true);
          setError(null);
          try {
            await save({ name: sender.name.trim(), emails: [address], notes: '', publicKey: '' });
          } catch (err) {
            setError(errorMessage(err));
          } finally {
            setBusy(false);
          }
        }}
      >
        Add {sender.name.trim() || address} to contacts
      </Button>
      {error ? (
        <span role="alert" className="text-red-700">
          {error}
        </span>
      ) : null}
    </div>
  );
}
