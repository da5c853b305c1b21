'use client';
import { type FormEvent, useId, useState } from 'react';
import { MessageEditor } from '@/app/components/compose/message-editor';
import { Alert, Button, Spinner, TextField } from '@/app/components/ui';
import { type Identity, MAX_DISPLAY_NAME, type Signature, identityLabel } from '@/app/lib/identities/identity-model';
import { useIdentities, useSaveIdentity } from '@/app/lib/identities/use-identities';
import { errorMessage } from '@/app/lib/trpc';

const KIND = { primary: 'Main address', address: 'Address', alias: 'Alias' } as const;

/** Every sending address with its name and signature; one is edited at a time. */
export function IdentityList() {
  const { identities, error, accountName } = useIdentities();
  const [editing, setEditing] = useState<string | null>(null);
  if (error) return <Alert>Your names and signatures could not be loaded: {errorMessage(error)}</Alert>;
  if (!identities) return <Spinner label="Decrypting your names and signatures…" />;
  return (
    <ul aria-label="Your identities" className="space-y-3">
      {identities.map((identity) => (
        <li key={identity.address} className="min-w-0 rounded-2xl border border-slate-200 bg-white p-4" data-testid="identity">
          <div className="flex flex-wrap items-start justify-between gap-2">
            <div className="min-w-0">
              <p className="break-all font-medium">{identityLabel(identity)}</p>
              <p className="text-xs text-slate-600">
                {KIND[identity.kind]} · {identity.ownName ? 'own name' : accountName ? 'the account’s name' : 'no name'} ·{' '}
                {identity.signature ? 'signature' : 'no signature'}
                {identity.unreadable ? ' · the saved settings could not be read' : ''}
              </p>
            </div>
            {editing === identity.address ? null : (
              <Button type="button" variant="secondary" onClick={() => setEditing(identity.address)} aria-label={`Edit ${identity.address}`}>
                Edit
              </Button>
            )}
          </div>
          {editing === identity.address ? (
            <IdentityForm identity={identity} accountName={accountName} onDone={() => setEditing(null)} />
          ) : identity.signature ? (
            <p className="mt-2 whitespace-pre-line border-l-2 border-slate-200 pl-3 text-sm text-slate-700">{identity.signature.text}</p>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

function IdentityForm({ identity, accountName, onDone }: { identity: Identity; accountName: string | null; onDone: () => void }) {
  const signatureLabel = useId();
  const [name, setName] = useState(identity.ownName ?? '');
  const [signature, setSignature] = useState<Signature | null>(identity.signature);
  const [failure, setFailure] = useState<string | null>(null);
  const { saveIdentity, pending } = useSaveIdentity();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(null);
    try {
      await saveIdentity(identity.address, { displayName: name, signature });
      onDone();
    } catch (err) {
      setFailure(errorMessage(err));
    }
  };

  return (
    <form onSubmit={submit} noValidate aria-label={`Name and signature for ${identity.address}`} className="mt-3 space-y-3">
      <TextField
        label="Display name"
        value={name}
        maxLength={MAX_DISPLAY_NAME}
        onChange={(e) => setName(e.target.value)}
        placeholder={accountName ?? ''}
        hint={accountName ? `Leave empty to use your account’s name, “${accountName}”.` : 'Leave empty to send with the address alone.'}
      />
      <div>
        <span id={signatureLabel} className="block text-sm font-medium text-slate-700">
          Signature
        </span>
        <div className="mt-1 rounded-lg border border-slate-300 px-2">
          <MessageEditor
            mode="rich"
            html={identity.signature?.html ?? ''}
            text={identity.signature?.text ?? ''}
            labelId={signatureLabel}
            onChange={setSignature}
          />
        </div>
        <p className="mt-1 text-xs text-slate-600">Added below your message when you write from {identity.address}.</p>
      </div>
      {failure ? <Alert>{failure}</Alert> : null}
      <div className="flex gap-2">
        <Button type="submit" loading={pending}>
          Save
        </Button>
        <Button type="button" variant="ghost" disabled={pending} onClick={onDone}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
