'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import { Alert, AuthCard, Button, StepProgress, TextField } from '@/app/components/ui';
import { finishSignIn, signInWithPassword, signOutEverywhere } from '@/app/lib/auth-flows';
import { sessionBlob } from '@/app/lib/keys/key-proxy';
import { errorMessage, useTRPCClient } from '@/app/lib/trpc';
import { useHydrated } from '@/app/lib/use-hydrated';
import { EnrolSecondFactor } from './enrol-second-factor';
import { SecondFactorForm } from './second-factor-form';

const REASONS: Record<string, string> = {
  locked: 'Enter your password to unlock your mailbox on this tab.',
  ended: 'Your session has ended. Sign in again.',
  reset: 'Your password was changed. Sign in with the new one.',
};

const STEPS = ['Deriving your key from your password…', 'Signing in…', 'Unlocking your mailbox…'];

export function LoginForm({ reason, enrolNow = false }: { reason: string | null; enrolNow?: boolean }) {
  const client = useTRPCClient();
  const router = useRouter();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [step, setStep] = useState<string | null>(null);
  const [phase, setPhase] = useState<{ kind: 'password' } | { kind: 'verify'; totp: boolean; passkey: boolean } | { kind: 'enrol' }>({
    kind: enrolNow ? 'enrol' : 'password',
  });
  const hydrated = useHydrated();

  async function openMailbox() {
    // An open session sent to the gate (enrolNow) has no password in this tab: its sealed key resumes.
    if (enrolNow) return afterGate();
    await finishSignIn(client, setStep);
    router.replace('/inbox');
  }

  async function afterGate() {
    if (sessionBlob.load()) return router.replace('/inbox');
    await signOutEverywhere();
    window.location.replace('/login?reason=locked');
  }

  async function restart() {
    await signOutEverywhere().catch(() => undefined);
    setPhase({ kind: 'password' });
    setPassword('');
    setStep(null);
  }

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    if (!username.trim() || !password) {
      setError('Enter your username and password.');
      return;
    }
    try {
      const after = await signInWithPassword(client, username.trim().toLowerCase(), password, setStep);
      if (after.next === 'done') return router.replace('/inbox');
      setStep(null);
      setPhase(after.next === 'verify' ? { kind: 'verify', totp: after.totp, passkey: after.passkey } : { kind: 'enrol' });
    } catch (err) {
      setStep(null);
      setError(errorMessage(err));
    }
  }

  if (phase.kind === 'verify') {
    return (
      <AuthCard title="Two-factor authentication">
        <SecondFactorForm totp={phase.totp} passkey={phase.passkey} onPassed={openMailbox} onRestart={restart} />
      </AuthCard>
    );
  }
  if (phase.kind === 'enrol') {
    return (
      <AuthCard title="Set up two-factor authentication">
        <EnrolSecondFactor onEnrolled={openMailbox} />
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Sign in" subtitle="Your password unlocks your keys in this browser. It never leaves it.">
      {/* No action, no input names, no submit before hydration: the browser can never send the password itself. */}
      <form onSubmit={onSubmit} className="space-y-4" noValidate>
        {reason && REASONS[reason] ? <Alert tone="info">{REASONS[reason]}</Alert> : null}
        {error ? <Alert>{error}</Alert> : null}
        <TextField
          label="Username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          autoFocus
          required
        />
        <TextField label="Password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        {step ? <StepProgress label={step} step={STEPS.indexOf(step) + 1} total={STEPS.length + 1} /> : null}
        <Button type="submit" className="w-full" loading={step !== null} disabled={!hydrated || step !== null}>
          Sign in
        </Button>
        <div className="flex justify-between text-sm">
          <Link className="text-brand-600 hover:underline" href="/register">
            Create an account
          </Link>
          <Link className="text-brand-600 hover:underline" href="/recover">
            Forgot password?
          </Link>
        </div>
      </form>
    </AuthCard>
  );
}
