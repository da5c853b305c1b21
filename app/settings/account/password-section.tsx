'use client';
import { type FormEvent, useState } from 'react';
import { Alert, Button, StepProgress, TextField } from '@/app/components/ui';
import { changePassword } from '@/app/lib/account-security-flows';
import { MIN_PASSWORD_LENGTH, passwordStrength } from '@/app/lib/password-strength';
import { errorMessage, useTRPCClient } from '@/app/lib/trpc';

const STEPS = ['Checking your current password…', 'Protecting your key with the new password…', 'Saving…'];

export function PasswordSection({ username }: { username: string }) {
  const client = useTRPCClient();
  const [form, setForm] = useState({ current: '', next: '', confirm: '' });
  const [errors, setErrors] = useState<Partial<Record<keyof typeof form, string>>>({});
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [step, setStep] = useState<string | null>(null);
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });
  const strength = passwordStrength(form.next, username);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setDone(null);
    const found: typeof errors = {};
    if (!form.current) found.current = 'Enter your current password.';
    if (form.next.length < MIN_PASSWORD_LENGTH) found.next = `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
    else if (strength.score < 2) found.next = strength.hint || 'Choose a stronger password.';
    else if (form.next === form.current) found.next = 'Choose a password different from the current one.';
    if (form.confirm !== form.next) found.confirm = 'The two new passwords differ.';
    setErrors(found);
    if (Object.keys(found).length) return;
    try {
      const { otherSessionsEnded } = await changePassword(client, form.current, form.next, setStep);
      setForm({ current: '', next: '', confirm: '' });
      setDone(
        `Your password was changed.${otherSessionsEnded ? ` ${otherSessionsEnded} other session${otherSessionsEnded === 1 ? ' was' : 's were'} signed out.` : ''} Your recovery phrase still works.`,
      );
    } catch (err) {
      const message = errorMessage(err);
      if (/current password/i.test(message)) setErrors({ current: message });
      else setError(message);
    } finally {
      setStep(null);
    }
  }

  return (
    <form onSubmit={submit} className="space-y-3" noValidate aria-label="Change password">
      {error ? <Alert>{error}</Alert> : null}
      {done ? <Alert tone="success">{done}</Alert> : null}
      <TextField
        label="Current password"
        type="password"
        autoComplete="current-password"
        value={form.current}
        onChange={set('current')}
        error={errors.current}
      />
      <TextField
        label="New password"
        type="password"
        autoComplete="new-password"
        value={form.next}
        onChange={set('next')}
        error={errors.next}
        hint={form.next ? `Strength: ${strength.label}. ${strength.hint}` : `At least ${MIN_PASSWORD_LENGTH} characters.`}
      />
      <TextField
        label="Repeat new password"
        type="password"
        autoComplete="new-password"
        value={form.confirm}
        onChange={set('confirm')}
        error={errors.confirm}
      />
      {step ? <StepProgress label={step} step={STEPS.indexOf(step) + 1} total={STEPS.length} /> : null}
      <Button type="submit" loading={step !== null}>
        Change password
      </Button>
    </form>
  );
}
