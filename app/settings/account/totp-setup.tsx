'use client';
import { type FormEvent, useState } from 'react';
import { Alert, Button, TextField } from '@/app/components/ui';
import { errorMessage, useTRPCClient } from '@/app/lib/trpc';

type Enrolment = { secret: string; uri: string; qrSvg: string };

/** Scan the QR code (or type the key), then prove it with the first code. */
export function TotpSetup({ onEnabled }: { onEnabled: (recoveryCodes: string[]) => void }) {
  const client = useTRPCClient();
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function begin() {
    setError(null);
    setBusy(true);
    try {
      setEnrolment(await client.security.totpBegin.mutate({}));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  async function confirm(event: FormEvent) {
    event.preventDefault();
    setError(null);
    if (!/^\d{6}$/.test(code.trim())) {
      setError('Enter the 6-digit code your app shows.');
      return;
    }
    setBusy(true);
    try {
      const { recoveryCodes } = await client.security.totpConfirm.mutate({ code: code.trim() });
      onEnabled(recoveryCodes);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  if (!enrolment) {
    return (
      <div className="space-y-2">
        {error ? <Alert>{error}</Alert> : null}
        <Button type="button" variant="secondary" loading={busy} onClick={begin}>
          Set up an authenticator app
        </Button>
      </div>
    );
  }
  return (
    <form onSubmit={confirm} className="space-y-3" noValidate>
      <p className="text-sm text-slate-700">Scan this code with an authenticator app (such as Aegis, FreeOTP or 1Password), then enter the code it shows.</p>
      <img
        alt="QR code for your authenticator app"
        className="h-48 w-48 rounded-lg border border-slate-200 bg-white p-2"
        src={`data:image/svg+xml;base64,${btoa(enrolment.qrSvg)}`}
      />
      <p className="text-sm text-slate-700">
        Can’t scan? Enter this key:{' '}
        <code data-testid="totp-secret" className="break-all rounded bg-slate-100 px-1 font-mono">
          {enrolment.secret}
        </code>
      </p>
      <TextField
        label="6-digit code"
        inputMode="numeric"
        autoComplete="one-time-code"
        maxLength={6}
        value={code}
        onChange={(e) => setCode(e.target.value)}
        error={error}
      />
      <Button type="submit" loading={busy}>
        Turn on
      </Button>
    </form>
  );
}
