'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import { Alert, AuthCard, Button, StepProgress, TextField } from '@/app/components/ui';
import { recoverAccount } from '@/app/lib/auth-flows';
import { MIN_PASSWORD_LENGTH, passwordStrength } from '@/app/lib/password-strength';
import { errorMessage, useTRPCClient } from '@/app/lib/trpc';
import { useHydrated } from '@/app/lib/use-hydrated';

const STEPS = ['Checking your recovery phrase…', 'Protecting your key with the new password…', 'Saving…', 'Signing in…'];

export default function RecoverPage() {
  const client = useTRPCClient();
  const router = useRouter();
  const [form, setForm] = useState({ username: '', phrase: '', password: '', confirm: '' });
  const [errors, setErrors] = useState<Partial<Record<keyof typeof form, string>>>({});
  const [error, setError] = useState<string | null>(null);
  const [step, setStep] = useState<string | null>(null);
  const hydrated = useHydrated();
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });
  const strength = passwordStrength(form.password, form.username);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    const next: typeof errors = {};
    if (!form.username.trim()) next.username = 'Enter your username.';
    if (form.phrase.trim().split(/\s+/).length !== 24) next.phrase = 'Enter all 24 words, separated by spaces.';
    if (form.password.length < MIN_PASSWORD_LENGTH) next.password = `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
    if (form.confirm !== form.password) next.confirm = 'The passwords do not match.';
    setErrors(next);
    if (Object.keys(next).length) return;
    try {
      await recoverAccount(client, form.username.trim().toLowerCase(), form.phrase, form.password, setStep);
      router.replace('/inbox');
    } catch (err) {
      setStep(null);
      setError(errorMessage(err));
    }
  }

  return (
    <AuthCard title="Reset your password" subtitle="Use the 24-word recovery phrase you saved when you signed up.">
      {/* No action, no input names, no submit before hydration: the browser can never send the phrase or password itself. */}
      <form onSubmit={onSubmit} className="space-y-4" noValidate>
        {error ? <Alert>{error}</Alert> : null}
        <TextField label="Username" autoComplete="username" autoCapitalize="none" value={form.username} onChange={set('username')} error={errors.username} />
        <div>
          <label htmlFor="phrase" className="block text-sm font-medium text-slate-700">
            Recovery phrase
          </label>
          <textarea
            id="phrase"
            rows={4}
            spellCheck={false}
            autoCapitalize="none"
            className={`mt-1 block w-full rounded-lg border px-3 py-2 font-mono text-sm ${errors.phrase ? 'border-red-400' : 'border-slate-300'}`}
            value={form.phrase}
            onChange={set('phrase')}
            aria-invalid={errors.phrase ? true : undefined}
            aria-describedby={errors.phrase ? 'phrase-error' : undefined}
          />
          {errors.phrase ? (
            <p id="phrase-error" className="mt-1 text-sm text-red-700">
              {errors.phrase}
            </p>
          ) : null}
        </div>
        <TextField
          label="New password"
          type="password"
          autoComplete="new-password"
          value={form.password}
          onChange={set('password')}
          error={errors.password}
          hint={form.password ? `${strength.label}. ${strength.hint}` : undefined}
        />
        <TextField
          label="Confirm new password"
          type="password"
          autoComplete="new-password"
          value={form.confirm}
          onChange={set('confirm')}
          error={errors.confirm}
        />
        {step ? <StepProgress label={step} step={STEPS.indexOf(step) + 1} total={STEPS.length + 1} /> : null}
        <Button type="submit" className="w-full" loading={step !== null} disabled={!hydrated || step !== null}>
          Reset password
        </Button>
        <p className="text-center text-sm">
          <Link className="text-brand-600 hover:underline" href="/login">
            Back to sign in
          </Link>
        </p>
      </form>
    </AuthCard>
  );
}
