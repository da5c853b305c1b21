'use client';
import { type FormEvent, useEffect, useState } from 'react';
import { Alert, Button, TextField } from '@/app/components/ui';
import { blobDownloadSink } from '@/app/lib/export/file-sink';
import { KEYRING_CHANGED } from '@/app/lib/key-import-flow';
import { callKeys } from '@/app/lib/keys/key-proxy';
import { errorMessage, useTRPCClient } from '@/app/lib/trpc';

const MIN_PASSPHRASE = 8;

async function download(filename: string, text: string) {
  const sink = blobDownloadSink(filename);
  await sink.write(new TextEncoder().encode(text));
  await sink.close();
}

/**
 * The public key, and the private key locked under a passphrase the user picks here, armored for
 * GnuPG. The key Worker does the locking; the server only records (audit log) that a key left.
 */
export function KeySection({ address }: { address: string }) {
  const client = useTRPCClient();
  const [busy, setBusy] = useState<'public' | 'private' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [fieldError, setFieldError] = useState<{ passphrase?: string; again?: string }>({});
  const [done, setDone] = useState<string | null>(null);
  const [passphrase, setPassphrase] = useState('');
  const [again, setAgain] = useState('');
  const [older, setOlder] = useState<string[]>([]);
  const [withOlderKeys, setWithOlderKeys] = useState(false);

  // Keys this account replaced stay in its keyring to read older mail; the public download is the current key only.
  useEffect(() => {
    const load = () =>
      callKeys('keyringInfo', undefined).then(
        (info) => setOlder(info.older),
        () => setOlder([]),
      );
    void load();
    window.addEventListener(KEYRING_CHANGED, load);
    return () => window.removeEventListener(KEYRING_CHANGED, load);
  }, []);

  async function downloadPublic() {
    setBusy('public');
    setError(null);
    setDone(null);
    try {
      await client.transfer.keyExported.mutate({ kind: 'public' });
      const { armored } = await callKeys('exportPublicKey', undefined);
      await download(`${address}-public.asc`, armored);
      setDone('Your public key is downloading.');
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(null);
    }
  }

  async function exportPrivate(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setDone(null);
    if (passphrase.length < MIN_PASSPHRASE) return setFieldError({ passphrase: `Use at least ${MIN_PASSPHRASE} characters.` });
    if (again !== passphrase) return setFieldError({ again: 'The two passphrases differ.' });
    setFieldError({});
    setBusy('private');
    try {
      await client.transfer.keyExported.mutate({ kind: 'private' });
      const result = await callKeys('exportPrivateKey', { passphrase, withOlderKeys: withOlderKeys && older.length > 0 });
      if (result.status !== 'ok') {
        setFieldError({ passphrase: 'Choose a longer passphrase.' });
        return;
      }
      await download(`${address}-private.asc`, result.armored);
      setPassphrase('');
      setAgain('');
      setDone('Your private key is downloading, locked under the passphrase you chose. Keep both safe: together they read all your mail.');
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-600">
        Your OpenPGP key pair. Others encrypt to the public key; GnuPG or another mail program can import the private key to read your mail.
      </p>
      {older.length ? (
        <Alert tone="info">
          Your account also keeps {older.length === 1 ? 'an older key' : `${older.length} older keys`} (
          {older.map((f) => f.toUpperCase().slice(-16)).join(', ')}), which mail from before your current key was added is encrypted to. The public key below is
          your current one; the private key export can carry the older keys too.
        </Alert>
      ) : null}
      <Button type="button" variant="secondary" loading={busy === 'public'} onClick={() => void downloadPublic()}>
        Download public key
      </Button>
      <form className="space-y-3" aria-label="Export private key" onSubmit={(event) => void exportPrivate(event)} noValidate>
        <TextField
          label="Passphrase for the exported key"
          type="password"
          autoComplete="new-password"
          value={passphrase}
          onChange={(event) => setPassphrase(event.target.value)}
          error={fieldError.passphrase}
          hint="The file is locked under this passphrase, not your password. GnuPG asks for it on import."
        />
        <TextField
          label="Passphrase again"
          type="password"
          autoComplete="new-password"
          value={again}
          onChange={(event) => setAgain(event.target.value)}
          error={fieldError.again}
        />
        {older.length ? (
          <label className="flex items-start gap-2 text-sm">
            <input type="checkbox" className="mt-0.5" checked={withOlderKeys} onChange={(e) => setWithOlderKeys(e.target.checked)} />
            Include my older {older.length === 1 ? 'key' : 'keys'}, to read older mail elsewhere
          </label>
        ) : null}
        <Button type="submit" loading={busy === 'private'}>
          Export private key
        </Button>
      </form>
      {done ? <Alert tone="success">{done}</Alert> : null}
      {error ? <Alert>{error}</Alert> : null}
    </div>
  );
}
