'use client';
import { type FormEvent, useMemo, useState } from 'react';
import { Alert, Button, TextField } from '@/app/components/ui';

/** Shows the phrase once, then asks for three of its words back before anything is saved. */
export function PhraseDisplay({ phrase, onContinue }: { phrase: string; onContinue: () => void }) {
  const words = phrase.split(' ');
  const [saved, setSaved] = useState(false);
  const [copied, setCopied] = useState(false);

  function download() {
    const url = URL.createObjectURL(new Blob([`Sealpost recovery phrase\n\n${phrase}\n`], { type: 'text/plain' }));
    const link = Object.assign(document.createElement('a'), { href: url, download: 'sealpost-recovery-phrase.txt' });
    link.click();
    URL.revokeObjectURL(url);
  }

  return (
    <div className="space-y-4">
      <Alert tone="warning">
        Write these 24 words down and keep them somewhere safe. They are the only way back into your mail if you forget your password. They are shown only now.
      </Alert>
      <ol aria-label="Recovery phrase" className="grid grid-cols-2 gap-2 sm:grid-cols-3" data-testid="recovery-phrase">
        {words.map((word, i) => (
          <li key={i} className="flex gap-2 rounded-md border border-slate-200 bg-slate-50 px-2 py-1 font-mono text-sm">
            <span className="w-5 text-right text-slate-400">{i + 1}</span>
            <span>{word}</span>
          </li>
        ))}
      </ol>
      <div className="flex gap-2">
        <Button type="button" variant="secondary" onClick={() => navigator.clipboard.writeText(phrase).then(() => setCopied(true))}>
          {copied ? 'Copied' : 'Copy'}
        </Button>
        <Button type="button" variant="secondary" onClick={download}>
          Download
        </Button>
      </div>
      <label className="flex items-start gap-2 text-sm">
        <input type="checkbox" className="mt-0.5" checked={saved} onChange={(e) => setSaved(e.target.checked)} />I have saved my recovery phrase somewhere safe.
      </label>
      <Button type="button" className="w-full" disabled={!saved} onClick={onContinue}>
        Continue
      </Button>
    </div>
  );
}

function pickPositions(count: number, total: number): number[] {
  const picks = new Set<number>();
  const random = new Uint32Array(count * 4);
  crypto.getRandomValues(random);
  for (const r of random) {
    if (picks.size === count) break;
    picks.add(r % total);
  }
  return [...picks].sort((a, b) => a - b);
}

export function PhraseConfirm({ phrase, busy, onBack, onConfirmed }: { phrase: string; busy: boolean; onBack: () => void; onConfirmed: () => void }) {
  const words = phrase.split(' ');
  const positions = useMemo(() => pickPositions(3, words.length), [words.length]);
  const [answers, setAnswers] = useState<Record<number, string>>({});
  const [error, setError] = useState<string | null>(null);

  function submit(event: FormEvent) {
    event.preventDefault();
    const wrong = positions.filter((p) => (answers[p] ?? '').trim().toLowerCase() !== words[p]);
    if (wrong.length) {
      const numbers = wrong.map((p) => p + 1);
      const list = numbers.length === 1 ? `Word ${numbers[0]} does` : `Words ${numbers.slice(0, -1).join(', ')} and ${numbers.at(-1)} do`;
      setError(`${list} not match. Check your copy of the phrase.`);
      return;
    }
    setError(null);
    onConfirmed();
  }

  return (
    <form onSubmit={submit} className="space-y-4" noValidate>
      <p className="text-sm text-slate-700">To make sure your copy is right, enter these words from your recovery phrase.</p>
      {error ? <Alert>{error}</Alert> : null}
      {positions.map((p, i) => (
        <TextField
          key={p}
          label={`Word ${p + 1}`}
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          autoFocus={i === 0}
          value={answers[p] ?? ''}
          onChange={(e) => setAnswers({ ...answers, [p]: e.target.value })}
        />
      ))}
      <div className="flex gap-2">
        <Button type="button" variant="secondary" onClick={onBack} disabled={busy}>
          Show phrase again
        </Button>
        <Button type="submit" className="flex-1" loading={busy}>
          Confirm and create account
        </Button>
      </div>
    </form>
  );
}
