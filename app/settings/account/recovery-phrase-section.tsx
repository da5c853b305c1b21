'use client';
import { type FormEvent, useState } from 'react';
import { PhraseDisplay } from '@/app/register/recovery-phrase';
import { Alert, Button, StepProgress, TextField } from '@/app/components/ui';
import { issueRecoveryPhrase } from '@/app/lib/account-security-flows';
import { errorMessage, useTRPCClient } from '@/app/lib/trpc';

const STEPS = ['Checking your password…', 'Creating your new recovery phrase…', 'Saving…'];

/** A new phrase replaces the old one, which stops working at once. */
export function RecoveryPhraseSection() {
  const client = useTRPCClient();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [step, setStep] = useState<string | null>(null);
  const [phrase, setPhrase] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setDone(false);
    if (!password) {
      setError('Enter your password.');
      return;
    }
    setError(null);
    try {
      setPhrase(await issueRecoveryPhrase(client, password, setStep));
      setPassword('');
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setStep(null);
    }
  }

  if (phrase) {
    return (
      <PhraseDisplay
        phrase={phrase}
        onContinue={() => {
          setPhrase(null);
          setDone(true);
        }}
      />
    );
  }
  return (
    <form onSubmit={submit} className="space-y-3" noValidate aria-label="New recovery phrase">
      {done ? <Alert tone="success">Your new recovery phrase is in place. The old one no longer works.</Alert> : null}
      <p className="text-sm text-slate-600">Lost your phrase, or think someone saw it? Make a new one. The old phrase stops working at once.</p>
      <TextField
        label="Password"
        type="password"
        autoComplete="current-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={error}
      />
      {step ? <StepProgress label={step} step={STEPS.indexOf(step) + 1} total={STEPS.length} /> : null}
      <Button type="submit" variant="secondary" loading={step !== null}>
        Make a new recovery phrase
      </Button>
    </form>
  );
}
