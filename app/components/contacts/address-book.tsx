'use client';
import { useState } from 'react';
import { type Contact, type ContactFields, contactTitle, searchContacts } from '@/app/lib/contacts/contact';
import { useAddressBook, useContactActions } from '@/app/lib/contacts/use-contacts';
import { errorMessage } from '@/app/lib/trpc';
import { Alert, Button, Spinner, TextField } from '../ui';
import { ContactForm } from './contact-form';
import { VcardTransfer } from './vcard-transfer';

const EMPTY: ContactFields = { name: '', emails: [], notes: '', publicKey: '' };

/**
 * The address book: search, add, edit, delete, import and export. Decryption and search happen
 * here in the browser; the server holds one ciphertext per contact.
 */
export function AddressBookPage() {
  const book = useAddressBook();
  const actions = useContactActions();
  const [query, setQuery] = useState('');
  const [editing, setEditing] = useState<Contact | 'new' | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const contacts = book.decrypted.data?.contacts ?? [];
  const shown = searchContacts(contacts, query);

  const save = async (fields: ContactFields) => {
    await actions.save(fields, editing && editing !== 'new' ? editing.id : undefined);
    setStatus(`Saved ${contactTitle(fields)}.`);
    setEditing(null);
  };

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-xl font-semibold">Contacts</h1>
        <Button
          onClick={() => {
            setStatus(null);
            setEditing('new');
          }}
        >
          Add contact
        </Button>
      </div>
      <p className="text-sm text-slate-600">
        Names, addresses, keys and notes are encrypted in your browser before they are stored; the server can’t read them. Compose suggests these people as you
        type.
      </p>

      {editing ? (
        <ContactForm
          key={editing === 'new' ? 'new' : editing.id}
          title={editing === 'new' ? 'New contact' : `Edit ${contactTitle(editing)}`}
          initial={editing === 'new' ? EMPTY : editing}
          onSave={save}
          onCancel={() => setEditing(null)}
        />
      ) : null}
      {status ? <Alert tone="success">{status}</Alert> : null}

      <section aria-labelledby="contact-list-heading" className="space-y-3 rounded-2xl border border-slate-200 bg-white p-4">
        <h2 id="contact-list-heading" className="font-medium">
          Your contacts{book.decrypted.data ? ` (${contacts.length})` : ''}
        </h2>
        <TextField label="Search contacts" type="search" value={query} onChange={(e) => setQuery(e.target.value)} autoComplete="off" />
        {book.isPending ? (
          <Spinner label="Decrypting your contacts…" />
        ) : book.error ? (
          <Alert>{errorMessage(book.error)}</Alert>
        ) : contacts.length === 0 ? (
          <p className="text-sm text-slate-600">No contacts yet. Add one, import a vCard file, or use “Add to contacts” on a message.</p>
        ) : shown.length === 0 ? (
          <p className="text-sm text-slate-600">No contact matches “{query}”.</p>
        ) : (
          <ul className="divide-y divide-slate-100" aria-label="Contacts">
            {shown.map((c) => (
              <ContactRow
                key={c.id}
                contact={c}
                onEdit={() => {
                  setStatus(null);
                  setEditing(c);
                }}
                onDelete={async () => {
                  await actions.remove([c.id]);
                  setStatus(`Deleted ${contactTitle(c)}.`);
                  if (editing !== 'new' && editing?.id === c.id) setEditing(null);
                }}
              />
            ))}
          </ul>
        )}
        {book.decrypted.data?.unreadable ? (
          <Alert tone="warning">{book.decrypted.data.unreadable} contacts could not be decrypted with your key and are not shown.</Alert>
        ) : null}
      </section>

      <VcardTransfer contacts={contacts} importMany={actions.importMany} />
    </div>
  );
}

function ContactRow({ contact, onEdit, onDelete }: { contact: Contact; onEdit: () => void; onDelete: () => Promise<void> }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const title = contactTitle(contact);
  return (
    <li className="flex flex-wrap items-start gap-3 py-3 text-sm" data-testid="contact-row">
      <div className="min-w-0 flex-1">
        <p className="font-medium">{title}</p>
        {contact.emails.map((e) => (
          <p key={e} className="break-all text-slate-600">
            {e}
          </p>
        ))}
        {contact.publicKey ? <p className="text-xs text-emerald-800">OpenPGP key pinned</p> : null}
        {contact.notes ? <p className="mt-1 whitespace-pre-wrap break-words text-slate-600">{contact.notes}</p> : null}
        {error ? <p className="mt-1 text-red-700">{error}</p> : null}
      </div>
      {confirming ? (
        <fieldset className="flex flex-wrap items-center gap-2">
          <legend className="sr-only">Delete {title}?</legend>
          <span aria-hidden="true">Delete {title}?</span>
          <Button
            variant="danger"
            loading={busy}
            onClick={async () => {
              setBusy(true);
              try {
                await onDelete();
              } catch (err) {
                setError(errorMessage(err));
                setBusy(false);
                setConfirming(false);
              }
            }}
          >
            Delete
          </Button>
          <Button variant="secondary" onClick={() => setConfirming(false)}>
            Cancel
          </Button>
        </fieldset>
      ) : (
        <div className="flex gap-2">
          <Button variant="secondary" onClick={onEdit} aria-label={`Edit ${title}`}>
            Edit
          </Button>
          <Button variant="secondary" onClick={() => setConfirming(true)} aria-label={`Delete ${title}`}>
            Delete
          </Button>
        </div>
      )}
    </li>
  );
}
