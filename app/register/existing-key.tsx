'use client';
import { useId } from 'react';
import { TextField } from '@/app/components/ui';

/**
 * "Use a key I already have": an armored OpenPGP private key (from `gpg --armor --export-secret-keys`)
 * and its passphrase. Both stay in this browser: the key Worker unlocks and checks the key, and
 * the server only ever gets its public half, like any new account's.
 */
export interface ExistingKey {
  armoredKey: string;
  passphrase: string;
}

export function existingKeyError(key: ExistingKey): string | null {
  if (!key.armoredKey.includes('-----BEGIN PGP PRIVATE KEY BLOCK-----'))
    return 'Paste an armored private key: it starts with -----BEGIN PGP PRIVATE KEY BLOCK-----.';
  return null;
}

export function ExistingKeyFields({
  value,
  onChange,
  error,
}: {
  value: ExistingKey | null;
  onChange: (value: ExistingKey | null) => void;
  error?: string | null;
}) {
  const keyId = useId();
  return (
    <fieldset className="space-y-3 rounded-lg border border-slate-200 p-3">
      <label className="flex items-center gap-2 text-sm font-medium text-slate-700">
        <input type="checkbox" checked={value !== null} onChange={(e) => onChange(e.target.checked ? { armoredKey: '', passphrase: '' } : null)} />
        Use an OpenPGP key I already have
      </label>
      {value ? (
        <>
          <div>
            <label htmlFor={keyId} className="block text-sm font-medium text-slate-700">
              Your private key (armored)
            </label>
            <textarea
              id={keyId}
              rows={5}
              spellCheck={false}
              autoComplete="off"
              className={`mt-1 block w-full rounded-lg border px-3 py-2 font-mono text-xs ${error ? 'border-red-400' : 'border-slate-300'}`}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? `${keyId}-error` : `${keyId}-hint`}
              value={value.armoredKey}
              onChange={(e) => onChange({ ...value, armoredKey: e.target.value })}
            />
            {error ? (
              <p id={`${keyId}-error`} className="mt-1 text-sm text-red-700">
                {error}
              </p>
            ) : (
              <p id={`${keyId}-hint`} className="mt-1 text-xs text-slate-600">
                From <code>gpg --armor --export-secret-keys you@example.org</code>. It gets one user ID, your new address, on this server.
              </p>
            )}
          </div>
          <TextField
            label="The key's passphrase"
            type="password"
            autoComplete="off"
            value={value.passphrase}
            onChange={(e) => onChange({ ...value, passphrase: e.target.value })}
          />
        </>
      ) : null}
    </fieldset>
  );
}
