'use client';
import { type FormEvent, useId, useState } from 'react';
import { Alert, Button, StepProgress, TextField } from '@/app/components/ui';
import { importOwnKey } from '@/app/lib/key-import-flow';
import { PhraseDisplay } from '@/app/register/recovery-phrase';
import { errorMessage, useTRPCClient } from '@/app/lib/trpc';

const STEPS = ['Checking your password…', 'Checking your key…', 'Creating your new recovery phrase…', 'Saving…'];
type Field = 'armoredKey' | 'passphrase' | 'password';

/**
 * Bring an OpenPGP key you already have: it becomes the key new mail is encrypted to and the one
 * WKD publishes; your current key stays in the account to read the mail it already holds.
 */
export function KeyImportSection() {
  const client = useTRPCClient();
  const keyId = useId();
  const [form, setForm] = useState({ armoredKey: '', passphrase: '', password: '' });
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [error, setError] = useState<string | null>(null);
  const [step, setStep] = useState<string | null>(null);
  const [phrase, setPhrase] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const set = (field: Field) => (value: string) => setForm((f) => ({ ...f, [field]: value }));

  async function readFile(file: File | undefined) {
    if (!file) return;
    if (file.size > 1024 * 1024) return setErrors({ armoredKey: 'That file is too big to be a key.' });
    set('armoredKey')(await file.text());
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setDone(null);
    const found: typeof errors = {};
    if (!form.armoredKey.includes('-----BEGIN PGP PRIVATE KEY BLOCK-----'))
      found.armoredKey = 'Paste your armored private key (it starts with -----BEGIN PGP PRIVATE KEY BLOCK-----).';
    if (!form.password) found.password = 'Enter your Sealpost password.';
    setErrors(found);
    if (Object.keys(found).length) return;
    try {
      const outcome = await importOwnKey(client, form, setStep);
      if (outcome.status === 'refused') return setErrors({ [outcome.field]: outcome.message });
      setForm({ armoredKey: '', passphrase: '', password: '' });
      setPhrase(outcome.phrase);
      setDone(
        `Key ${outcome.fingerprint.toUpperCase()} is now your key: new mail is encrypted to it and it is the key others find for your addresses. Your previous key stays in your account, so the mail you already have still opens. Your new recovery phrase is in place; the old one no longer works.`,
      );
    } catch (err) {
      const message = errorMessage(err);
      if (/current password/i.test(message)) setErrors({ password: message });
      else setError(message);
    } finally {
      setStep(null);
    }
  }

  if (phrase) return <PhraseDisplay phrase={phrase} onContinue={() => setPhrase(null)} />;
  return (
    <form onSubmit={(event) => void submit(event)} className="space-y-3" noValidate aria-label="Bring your own key">
      {done ? <Alert tone="success">{done}</Alert> : null}
      {error ? <Alert>{error}</Alert> : null}
      <p className="text-sm text-slate-600">
        Use an OpenPGP key you already have (<code className="text-xs">gpg --armor --export-secret-keys you@example.org</code>). It becomes your key for new
        mail; your current key stays in your account for the mail you already have. Your recovery phrase is replaced by a new one that covers both.
      </p>
      <div>
        <label htmlFor={keyId} className="block text-sm font-medium text-slate-700">
          Your private key (armored)
        </label>
        <textarea
          id={keyId}
          rows={5}
          spellCheck={false}
          autoComplete="off"
          className={`mt-1 block w-full rounded-lg border px-3 py-2 font-mono text-xs ${errors.armoredKey ? 'border-red-400' : 'border-slate-300'}`}
          aria-invalid={errors.armoredKey ? true : undefined}
          aria-describedby={errors.armoredKey ? `${keyId}-error` : undefined}
          value={form.armoredKey}
          onChange={(e) => set('armoredKey')(e.target.value)}
        />
        {errors.armoredKey ? (
          <p id={`${keyId}-error`} className="mt-1 text-sm text-red-600">
            {errors.armoredKey}
          </p>
        ) : null}
        <label className="mt-2 block text-sm text-slate-600">
          or choose the file: <input type="file" accept=".asc,.key,.txt,text/plain" className="text-sm" onChange={(e) => void readFile(e.target.files?.[0])} />
        </label>
      </div>
      <TextField
        label="The key's passphrase"
        type="password"
        autoComplete="off"
        value={form.passphrase}
        onChange={(e) => set('passphrase')(e.target.value)}
        error={errors.passphrase}
        hint="Leave empty if the key has none."
      />
      <TextField
        label="Your Sealpost password"
        type="password"
        autoComplete="current-password"
        value={form.password}
        onChange={(e) => set('password')(e.target.value)}
        error={errors.password}
      />
      {step ? <StepProgress label={step} step={STEPS.indexOf(step) + 1} total={STEPS.length} /> : null}
      <Button type="submit" variant="secondary" loading={step !== null}>
        Use this key
      </Button>
    </form>
  );
}
