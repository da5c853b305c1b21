'use client';
import { type FormEvent, useState } from 'react';
import { Alert, Button, TextField } from '@/app/components/ui';
import { addPasskey, passkeyErrorMessage } from '@/app/lib/account-security-flows';
import { errorMessage, useTRPCClient } from '@/app/lib/trpc';

/** Names a passkey, then asks the browser to make it on this device or a security key. */
export function PasskeyAdd({ onAdded }: { onAdded: (recoveryCodes: string[] | null) => void }) {
  const client = useTRPCClient();
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    if (typeof window !== 'undefined' && !window.PublicKeyCredential) {
      setError('This browser does not support passkeys.');
      return;
    }
    setBusy(true);
    try {
      const { recoveryCodes } = await addPasskey(client, name.trim() || 'Passkey');
      setName('');
      onAdded(recoveryCodes);
    } catch (err) {
      setError(passkeyErrorMessage(err) ?? errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} className="flex flex-wrap items-end gap-2" noValidate>
      <TextField
        label="Passkey name"
        placeholder="Laptop, security key…"
        value={name}
        onChange={(e) => setName(e.target.value)}
        maxLength={64}
        className="min-w-0 flex-1"
      />
      <Button type="submit" variant="secondary" loading={busy}>
        Add a passkey
      </Button>
      {error ? (
        <div className="w-full">
          <Alert>{error}</Alert>
        </div>
      ) : null}
    </form>
  );
}
