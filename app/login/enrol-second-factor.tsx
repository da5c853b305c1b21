'use client';
import { useState } from 'react';
import { Alert, Button } from '@/app/components/ui';
import { PasskeyAdd } from '@/app/settings/account/passkey-add';
import { RecoveryCodes } from '@/app/settings/account/recovery-codes';
import { TotpSetup } from '@/app/settings/account/totp-setup';

/**
 * The server requires two-factor authentication and this account has none: set one up before the
 * mailbox opens. The first factor completes this sign-in on the server.
 */
export function EnrolSecondFactor({ onEnrolled }: { onEnrolled: () => Promise<void> }) {
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function proceed() {
    setBusy(true);
    setError(null);
    try {
      await onEnrolled();
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  }

  if (codes) {
    return (
      <div className="space-y-3">
        {error ? <Alert>{error}</Alert> : null}
        <RecoveryCodes codes={codes} onContinue={proceed} />
        {busy ? <p className="text-sm text-slate-600">Opening your mailbox…</p> : null}
      </div>
    );
  }
  return (
    <div className="space-y-5">
      <Alert tone="info">This server requires two-factor authentication. Set up an authenticator app or a passkey to continue.</Alert>
      <TotpSetup onEnabled={setCodes} />
      <div className="border-t border-slate-200 pt-4">
        <PasskeyAdd onAdded={(next) => (next ? setCodes(next) : void proceed())} />
      </div>
      {busy && !codes ? (
        <Button className="w-full" loading disabled>
          Opening your mailbox…
        </Button>
      ) : null}
    </div>
  );
}
