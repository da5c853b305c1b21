'use client';
import Link from 'next/link';
import { type FormEvent, useState } from 'react';
import { Alert, Button, TextField } from '@/app/components/ui';
import { MIN_PASSWORD_LENGTH, passwordStrength } from '@/app/lib/password-strength';
import { useHydrated } from '@/app/lib/use-hydrated';
import { type ExistingKey, ExistingKeyFields, existingKeyError } from './existing-key';

export interface Credentials {
  username: string;
  password: string;
  existingKey?: ExistingKey;
}

const USERNAME = /^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/;
const meterColors = ['bg-red-500', 'bg-red-500', 'bg-amber-500', 'bg-lime-500', 'bg-emerald-600'];

export function validateCredentials(c: Credentials & { confirm: string }) {
  const errors: Partial<Record<'username' | 'password' | 'confirm', string>> = {};
  const username = c.username.trim().toLowerCase();
  if (username.length < 3 || username.length > 32) errors.username = 'Use 3 to 32 characters.';
  else if (!USERNAME.test(username)) errors.username = 'Use letters, digits, dots, dashes or underscores, starting and ending with a letter or digit.';
  if (c.password.length < MIN_PASSWORD_LENGTH) errors.password = `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (c.confirm !== c.password) errors.confirm = 'The passwords do not match.';
  return errors;
}

export function RegisterForm({
  mailDomain,
  busy,
  error,
  onSubmit,
}: {
  mailDomain: string;
  busy: boolean;
  error: string | null;
  onSubmit: (c: Credentials) => Promise<string | null>;
}) {
  const [form, setForm] = useState({ username: '', password: '', confirm: '' });
  const [errors, setErrors] = useState<ReturnType<typeof validateCredentials>>({});
  const [existingKey, setExistingKey] = useState<ExistingKey | null>(null);
  const [keyError, setKeyError] = useState<string | null>(null);
  const hydrated = useHydrated();
  const strength = passwordStrength(form.password, form.username);
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found = validateCredentials(form);
    setErrors(found);
    const foundKeyError = existingKey ? existingKeyError(existingKey) : null;
    setKeyError(foundKeyError);
    if (Object.keys(found).length || foundKeyError) return;
    const usernameError = await onSubmit({ username: form.username.trim().toLowerCase(), password: form.password, ...(existingKey ? { existingKey } : {}) });
    if (usernameError) setErrors({ username: usernameError });
  }

  // No action, no input names, no submit before hydration: the browser can never send the password itself.
  return (
    <form onSubmit={submit} className="space-y-4" noValidate>
      {error ? <Alert>{error}</Alert> : null}
      <TextField
        label="Username"
        autoComplete="username"
        autoCapitalize="none"
        spellCheck={false}
        suffix={`@${mailDomain}`}
        value={form.username}
        onChange={set('username')}
        error={errors.username}
        autoFocus
      />
      <TextField
        label="Password"
        type="password"
        autoComplete="new-password"
        value={form.password}
        onChange={set('password')}
        error={errors.password}
        hint={
          <div>
            <div className="mb-1 flex gap-1" aria-hidden="true">
              {[1, 2, 3, 4].map((i) => (
                <span key={i} className={`h-1.5 flex-1 rounded-full ${strength.score >= i ? meterColors[strength.score] : 'bg-slate-200'}`} />
              ))}
            </div>
            <span data-testid="password-strength">
              {strength.label ? `Strength: ${strength.label}. ` : ''}
              {strength.hint}
            </span>
          </div>
        }
      />
      <TextField label="Confirm password" type="password" autoComplete="new-password" value={form.confirm} onChange={set('confirm')} error={errors.confirm} />
      <ExistingKeyFields value={existingKey} onChange={setExistingKey} error={keyError} />
      <Alert tone="warning">
        Your mail is encrypted with a key only your password or your recovery phrase can unlock. If you lose both, nobody can read your mail, not even the
        server&apos;s administrator.
      </Alert>
      <Button type="submit" className="w-full" loading={busy} disabled={!hydrated || busy}>
        Create account
      </Button>
      <p className="text-center text-sm">
        Already have an account?{' '}
        <Link className="text-brand-600 hover:underline" href="/login">
          Sign in
        </Link>
      </p>
    </form>
  );
}
