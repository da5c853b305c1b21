'use client';
import { type ChangeEvent, useId, useState } from 'react';
import type { Contact, ContactFields } from '@/app/lib/contacts/contact';
import type { ImportReport } from '@/app/lib/contacts/use-contacts';
import { VcardError, parseVcards, toVcards } from '@/app/lib/contacts/vcard';
import { downloadBytes } from '@/app/lib/mail/download';
import { errorMessage } from '@/app/lib/trpc';
import { Alert, Button, StepProgress } from '../ui';

type ImportState =
  | { phase: 'idle' }
  | { phase: 'running'; done: number; total: number }
  | { phase: 'done'; report: ImportReport; skipped: number }
  | { phase: 'failed'; message: string };

/** Import from and export to vCard (.vcf) files; both happen in the browser, on decrypted data. */
export function VcardTransfer({
  contacts,
  importMany,
}: {
  contacts: Contact[];
  importMany: (list: ContactFields[], onProgress: (done: number) => void) => Promise<ImportReport>;
}) {
  const inputId = useId();
  const [state, setState] = useState<ImportState>({ phase: 'idle' });

  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    try {
      const { contacts: found, skipped } = await parseVcards(await file.text());
      if (found.length === 0) {
        setState({ phase: 'failed', message: `${file.name} holds no contact with a name or an address. Nothing was imported.` });
        return;
      }
      setState({ phase: 'running', done: 0, total: found.length });
      const report = await importMany(found, (done) => setState({ phase: 'running', done, total: found.length }));
      setState({ phase: 'done', report, skipped });
    } catch (err) {
      setState({ phase: 'failed', message: err instanceof VcardError ? err.message : `The import stopped: ${errorMessage(err)}` });
    }
  };

  const exportAll = () => {
    // Keys of the vCard (FN, EMAIL, NOTE, KEY) only: ids stay out.
    const file = toVcards(contacts.map(({ name, emails, notes, publicKey }) => ({ name, emails, notes, publicKey })));
    downloadBytes(new TextEncoder().encode(file), 'sealpost-contacts.vcf');
  };

  return (
    <section aria-labelledby="vcard-heading" className="space-y-3 rounded-2xl border border-slate-200 bg-white p-4">
      <h2 id="vcard-heading" className="font-medium">
        Import and export
      </h2>
      <p className="text-sm text-slate-600">
        vCard files (.vcf) from other address books: names, email addresses, notes and OpenPGP keys are read; phone numbers and postal addresses are left out.
      </p>
      <div className="flex flex-wrap gap-2">
        <label
          htmlFor={inputId}
          className="inline-flex cursor-pointer items-center rounded-lg border border-slate-300 bg-white px-4 py-2 text-sm font-medium text-slate-800 focus-within:ring-2 focus-within:ring-brand-500 hover:bg-slate-50"
        >
          Import a vCard file
          <input
            id={inputId}
            type="file"
            accept=".vcf,.vcard,text/vcard,text/x-vcard"
            className="sr-only"
            onChange={onFile}
            disabled={state.phase === 'running'}
          />
        </label>
        <Button variant="secondary" onClick={exportAll} disabled={contacts.length === 0}>
          Export all ({contacts.length})
        </Button>
      </div>
      {state.phase === 'running' ? <StepProgress label={`Importing ${state.done} of ${state.total} contacts…`} step={state.done} total={state.total} /> : null}
      {state.phase === 'done' ? (
        <Alert tone="success">
          Imported {state.report.added} {state.report.added === 1 ? 'contact' : 'contacts'}.
          {state.skipped ? ` ${state.skipped} cards without a name or an address were skipped.` : ''}
          {state.report.keysRefused ? ` ${state.report.keysRefused} keys could not be pinned and were left out.` : ''}
        </Alert>
      ) : null}
      {state.phase === 'failed' ? <Alert>{state.message}</Alert> : null}
    </section>
  );
}
