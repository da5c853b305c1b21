'use client';
import { useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import { Alert, Button, TextField } from '@/app/components/ui';
import { deleteOwnAccount } from '@/app/lib/account-deletion';
import { errorMessage, useTRPC, useTRPCClient } from '@/app/lib/trpc';

/** "Delete account", confirmed with the password. */
export function DeleteAccount() {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const router = useRouter();
  const me = useQuery(trpc.account.me.queryOptions());
  const [password, setPassword] = useState('');
  const [understood, setUnderstood] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!me.data) return;
    if (!password) return setError('Enter your password to confirm.');
    setError(null);
    try {
      await deleteOwnAccount(client, me.data.username, password, setBusy);
      router.replace('/login?reason=deleted');
    } catch (err) {
      setBusy(null);
      setError(errorMessage(err));
    }
  }

  return (
    <form onSubmit={(e) => void submit(e)} className="mt-3 space-y-3" aria-label="Delete account">
      <TextField
        label="Your password"
        type="password"
        autoComplete="current-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={error}
      />
      <label className="flex items-start gap-2 text-sm">
        <input type="checkbox" checked={understood} onChange={(e) => setUnderstood(e.target.checked)} className="mt-1" />
        <span>I understand that my messages, keys, addresses, aliases and domains are deleted for good.</span>
      </label>
      <Button type="submit" variant="danger" disabled={!understood || !me.data} loading={busy !== null}>
        Delete my account
      </Button>
      {busy ? (
        <p role="status" className="text-sm text-slate-600">
          {busy}
        </p>
      ) : null}
      {me.isError ? <Alert>{errorMessage(me.error)}</Alert> : null}
    </form>
  );
}
