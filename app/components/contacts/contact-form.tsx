'use client';
import { type FormEvent, useId, useState } from 'react';
import { type ContactErrors, type ContactFields, contactErrors, normalizeContact } from '@/app/lib/contacts/contact';
import { ContactFieldError } from '@/app/lib/contacts/use-contacts';
import { errorMessage } from '@/app/lib/trpc';
import { Alert, Button, TextField } from '../ui';

/**
 * Add or edit one contact. Everything typed here is encrypted in the browser before it is sent;
 * a key is pinned for the first address, and the server's refusal is shown under the key field.
 */
export function ContactForm({
  initial,
  title,
  onSave,
  onCancel,
}: {
  initial: ContactFields;
  title: string;
  onSave: (fields: ContactFields) => Promise<void>;
  onCancel: () => void;
}) {
  const headingId = useId();
  const emailsId = useId();
  const keyId = useId();
  const notesId = useId();
  const [name, setName] = useState(initial.name);
  const [emails, setEmails] = useState(initial.emails.join('\n'));
  const [publicKey, setPublicKey] = useState(initial.publicKey);
  const [notes, setNotes] = useState(initial.notes);
  const [errors, setErrors] = useState<ContactErrors & { publicKey?: string; form?: string }>({});
  const [saving, setSaving] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const fields = normalizeContact({ name, emails: [emails], notes, publicKey });
    const found = contactErrors(fields);
    setErrors(found);
    if (Object.keys(found).length) return;
    setSaving(true);
    try {
      await onSave(fields);
    } catch (err) {
      if (err instanceof ContactFieldError) setErrors({ [err.field]: err.message });
      else setErrors({ form: `The contact could not be saved: ${errorMessage(err)}` });
    } finally {
      setSaving(false);
    }
  };

  const area = (bad: string | undefined) =>
    `mt-1 block w-full rounded-lg border px-3 py-2 text-sm ${bad ? 'border-red-400' : 'border-slate-300'} focus:border-brand-500 focus:ring-brand-500`;

  return (
    <form onSubmit={submit} noValidate aria-labelledby={headingId} className="space-y-3 rounded-2xl border border-slate-200 bg-white p-4">
      <h2 id={headingId} className="font-medium">
        {title}
      </h2>
      <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} error={errors.name} autoComplete="off" autoFocus />
      <div>
        <label htmlFor={emailsId} className="block text-sm font-medium text-slate-700">
          Email addresses
        </label>
        <textarea
          id={emailsId}
          rows={2}
          value={emails}
          onChange={(e) => setEmails(e.target.value)}
          aria-invalid={errors.emails ? true : undefined}
          aria-describedby={`${emailsId}-hint${errors.emails ? ` ${emailsId}-error` : ''}`}
          className={area(errors.emails)}
        />
        <p id={`${emailsId}-hint`} className="mt-1 text-xs text-slate-600">
          One per line. Compose suggests the first one first.
        </p>
        {errors.emails ? (
          <p id={`${emailsId}-error`} className="mt-1 text-sm text-red-700">
            {errors.emails}
          </p>
        ) : null}
      </div>
      <div>
        <label htmlFor={keyId} className="block text-sm font-medium text-slate-700">
          OpenPGP public key (optional)
        </label>
        <textarea
          id={keyId}
          rows={3}
          value={publicKey}
          onChange={(e) => setPublicKey(e.target.value)}
          placeholder="-----BEGIN PGP PUBLIC KEY BLOCK-----"
          aria-invalid={errors.publicKey ? true : undefined}
          aria-describedby={`${keyId}-hint${errors.publicKey ? ` ${keyId}-error` : ''}`}
          className={`${area(errors.publicKey)} font-mono text-xs`}
        />
        <p id={`${keyId}-hint`} className="mt-1 text-xs text-slate-600">
          Pinned for the first address: mail to it is encrypted to this key.
        </p>
        {errors.publicKey ? (
          <p id={`${keyId}-error`} className="mt-1 text-sm text-red-700">
            {errors.publicKey}
          </p>
        ) : null}
      </div>
      <div>
        <label htmlFor={notesId} className="block text-sm font-medium text-slate-700">
          Notes
        </label>
        <textarea
          id={notesId}
          rows={3}
          value={notes}
          onChange={(e) => setNotes(e.target.value)}
          aria-invalid={errors.notes ? true : undefined}
          aria-describedby={errors.notes ? `${notesId}-error` : undefined}
          className={area(errors.notes)}
        />
        {errors.notes ? (
          <p id={`${notesId}-error`} className="mt-1 text-sm text-red-700">
            {errors.notes}
          </p>
        ) : null}
      </div>
      {errors.form ? <Alert>{errors.form}</Alert> : null}
      <div className="flex flex-wrap gap-2">
        <Button type="submit" loading={saving}>
          Save contact
        </Button>
        <Button type="button" variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
