'use client';
import { useState } from 'react';
import { Alert, Button } from '@/app/components/ui';

/** The ten single-use codes, shown once: each signs in once when the phone and passkeys are gone. */
export function RecoveryCodes({ codes, onContinue }: { codes: string[]; onContinue: () => void }) {
  const [saved, setSaved] = useState(false);

  function download() {
    const url = URL.createObjectURL(new Blob([`Sealpost two-factor recovery codes (each works once)\n\n${codes.join('\n')}\n`], { type: 'text/plain' }));
    const link = Object.assign(document.createElement('a'), { href: url, download: 'sealpost-recovery-codes.txt' });
    link.click();
    URL.revokeObjectURL(url);
  }

  return (
    <div className="space-y-3">
      <Alert tone="warning">
        Save these recovery codes. Each one lets you sign in once without your authenticator app or passkey. They are shown only now.
      </Alert>
      <ul aria-label="Recovery codes" data-testid="recovery-codes" className="grid grid-cols-2 gap-2 font-mono text-sm">
        {codes.map((code) => (
          <li key={code} className="rounded-md border border-slate-200 bg-slate-50 px-2 py-1">
            {code}
          </li>
        ))}
      </ul>
      <div className="flex gap-2">
        <Button type="button" variant="secondary" onClick={() => navigator.clipboard.writeText(codes.join('\n'))}>
          Copy
        </Button>
        <Button type="button" variant="secondary" onClick={download}>
          Download
        </Button>
      </div>
      <label className="flex items-start gap-2 text-sm">
        <input type="checkbox" className="mt-0.5" checked={saved} onChange={(e) => setSaved(e.target.checked)} />I have saved my recovery codes.
      </label>
      <Button type="button" disabled={!saved} onClick={onContinue}>
        Continue
      </Button>
    </div>
  );
}
