'use client';
import { type FormEvent, useState } from 'react';
import { Alert, Button, TextField } from '@/app/components/ui';
import { passkeyErrorMessage, verifyWithPasskey } from '@/app/lib/account-security-flows';
import { errorMessage, useTRPCClient } from '@/app/lib/trpc';

/**
 * Sign-in, step two: a code from the authenticator app, a recovery code, or a passkey. Only when
 * one passes does the server hand out the wrapped key.
 */
export function SecondFactorForm({
  totp,
  passkey,
  onPassed,
  onRestart,
}: {
  totp: boolean;
  passkey: boolean;
  onPassed: () => Promise<void>;
  onRestart: () => void;
}) {
  const client = useTRPCClient();
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'code' | 'passkey' | null>(null);
  const [ended, setEnded] = useState(false);

  async function run(kind: 'code' | 'passkey', action: () => Promise<void>) {
    setError(null);
    setBusy(kind);
    try {
      await action();
      await onPassed();
    } catch (err) {
      const message = passkeyErrorMessage(err) ?? errorMessage(err);
      setError(message);
      if (/sign in again/i.test(message)) setEnded(true);
    } finally {
      setBusy(null);
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const trimmed = code.trim();
    if (trimmed.length < 6) {
      setError(totp ? 'Enter the 6-digit code from your app, or a recovery code.' : 'Enter a recovery code.');
      return;
    }
    void run('code', () => client.security.verifyCode.mutate({ code: trimmed }).then(() => undefined));
  }

  if (ended) {
    return (
      <div className="space-y-4">
        <Alert>{error}</Alert>
        <Button className="w-full" onClick={onRestart}>
          Sign in again
        </Button>
      </div>
    );
  }
  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-700">Your password was right. Now confirm it’s you with your second factor.</p>
      {error ? <Alert>{error}</Alert> : null}
      {passkey ? (
        <Button
          type="button"
          className="w-full"
          loading={busy === 'passkey'}
          disabled={busy !== null}
          onClick={() => run('passkey', () => verifyWithPasskey(client))}
        >
          Use a passkey
        </Button>
      ) : null}
      <form onSubmit={submit} className="space-y-3" noValidate>
        <TextField
          label={totp ? 'Authentication code' : 'Recovery code'}
          hint={totp ? 'The 6-digit code from your authenticator app, or one of your recovery codes.' : 'One of the recovery codes you saved.'}
          autoComplete="one-time-code"
          autoCapitalize="none"
          spellCheck={false}
          value={code}
          onChange={(e) => setCode(e.target.value)}
          autoFocus={!passkey}
        />
        <Button type="submit" variant={passkey ? 'secondary' : 'primary'} className="w-full" loading={busy === 'code'} disabled={busy !== null}>
          Verify
        </Button>
      </form>
    </div>
  );
}
