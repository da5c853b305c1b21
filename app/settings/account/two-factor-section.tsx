'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Alert, Button, Spinner, TextField } from '@/app/components/ui';
import { turnOffTotp } from '@/app/lib/account-security-flows';
import { errorMessage, useTRPC, useTRPCClient } from '@/app/lib/trpc';
import { PasskeyAdd } from './passkey-add';
import { RecoveryCodes } from './recovery-codes';
import { TotpSetup } from './totp-setup';

/** Authenticator app, passkeys and recovery codes, as the settings page shows them. */
export function TwoFactorSection() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const overview = useQuery(trpc.security.overview.queryOptions());
  const [codes, setCodes] = useState<string[] | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.security.overview.queryKey() });
  const removePasskey = useMutation(trpc.security.passkeyRemove.mutationOptions({ onSuccess: refresh }));
  const regenerate = useMutation(trpc.security.recoveryCodesRegenerate.mutationOptions({ onSuccess: (r) => setCodes(r.recoveryCodes) }));
  const showCodes = (next: string[] | null) => {
    if (next) setCodes(next);
    void refresh();
  };

  if (overview.isPending) return <Spinner label="Loading two-factor settings…" />;
  if (overview.isError) return <Alert>{errorMessage(overview.error)}</Alert>;
  if (codes) return <RecoveryCodes codes={codes} onContinue={() => setCodes(null)} />;
  const { totp, passkeys, recoveryCodesLeft, required } = overview.data;
  const anyFactor = totp || passkeys.length > 0;

  return (
    <div className="space-y-5">
      {required && !anyFactor ? <Alert tone="warning">This server requires two-factor authentication. Set up an authenticator app or a passkey.</Alert> : null}
      <div>
        <h3 className="text-sm font-medium">
          Authenticator app: <span data-testid="totp-state">{totp ? 'on' : 'off'}</span>
        </h3>
        <div className="mt-2">{totp ? <TotpOff onDone={refresh} /> : <TotpSetup onEnabled={showCodes} />}</div>
      </div>
      <div>
        <h3 className="text-sm font-medium">Passkeys</h3>
        {removePasskey.isError ? <Alert>{errorMessage(removePasskey.error)}</Alert> : null}
        <ul className="mt-2 divide-y divide-slate-100 text-sm" aria-label="Passkeys">
          {passkeys.length === 0 ? <li className="py-2 text-slate-600">No passkeys yet.</li> : null}
          {passkeys.map((p) => (
            <li key={p.id} className="flex items-center justify-between gap-3 py-2">
              <span className="min-w-0 truncate">
                <span className="font-medium">{p.name}</span>
                <span className="text-slate-600">
                  {' '}
                  · added {new Date(p.createdAt).toLocaleDateString()}
                  {p.lastUsedAt ? ` · last used ${new Date(p.lastUsedAt).toLocaleString()}` : ''}
                </span>
              </span>
              <Button
                variant="secondary"
                loading={removePasskey.isPending && removePasskey.variables?.id === p.id}
                onClick={() => removePasskey.mutate({ id: p.id })}
                aria-label={`Remove passkey ${p.name}`}
              >
                Remove
              </Button>
            </li>
          ))}
        </ul>
        <div className="mt-2">
          <PasskeyAdd onAdded={showCodes} />
        </div>
      </div>
      {anyFactor ? (
        <div>
          <h3 className="text-sm font-medium">Recovery codes</h3>
          <p className="mt-1 text-sm text-slate-600" data-testid="recovery-codes-left">
            {recoveryCodesLeft} of 10 unused.
          </p>
          {regenerate.isError ? <Alert>{errorMessage(regenerate.error)}</Alert> : null}
          <Button className="mt-2" variant="secondary" loading={regenerate.isPending} onClick={() => regenerate.mutate({})}>
            New recovery codes
          </Button>
        </div>
      ) : null}
    </div>
  );
}

/** Turning the app off asks for the password again: a session left open must not be enough. */
function TotpOff({ onDone }: { onDone: () => void }) {
  const client = useTRPCClient();
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!password) {
      setError('Enter your password.');
      return;
    }
    setError(null);
    setBusy(true);
    try {
      await turnOffTotp(client, password);
      setOpen(false);
      setPassword('');
      onDone();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  if (!open) {
    return (
      <Button variant="secondary" onClick={() => setOpen(true)}>
        Turn off authenticator app
      </Button>
    );
  }
  return (
    <form onSubmit={submit} className="flex flex-wrap items-end gap-2" noValidate>
      <TextField
        label="Your password"
        type="password"
        autoComplete="current-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={error}
        className="min-w-0 flex-1"
        autoFocus
      />
      <Button type="submit" variant="danger" loading={busy}>
        Turn off
      </Button>
      <Button type="button" variant="ghost" onClick={() => setOpen(false)}>
        Cancel
      </Button>
    </form>
  );
}
