'use client';
import { useRef, useState } from 'react';
import { Alert, Button, StepProgress } from '@/app/components/ui';
import { type ExportFormat, type ExportProgress, exportMail } from '@/app/lib/export/export-mail';
import { pickFile } from '@/app/lib/export/file-sink';
import { callKeys } from '@/app/lib/keys/key-proxy';
import { errorMessage, useTRPCClient } from '@/app/lib/trpc';
import { FOLDER_NAMES } from '@/app/components/mail/folder-nav';
import { MAIL_FOLDERS, type MailFolder } from '@/mime/folders';

type Outcome = { tone: 'success' | 'error' | 'warning'; text: string };

/**
 * A folder, or all mail, as one .mbox or a .zip of .eml files. Pages of ciphertext are fetched
 * oldest first, decrypted in the key Worker and written at once, so memory stays bounded whatever
 * the mailbox's size.
 */
export function ExportSection({ address }: { address: string }) {
  const client = useTRPCClient();
  const [folder, setFolder] = useState<MailFolder | 'all'>('all');
  const [format, setFormat] = useState<ExportFormat>('mbox');
  const [progress, setProgress] = useState<ExportProgress | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const abort = useRef<AbortController | null>(null);

  async function start() {
    setOutcome(null);
    const name = `${address}-${folder}.${format}`;
    const picked = await pickFile(
      name,
      format === 'zip' ? 'Zip archive of .eml files' : 'Mailbox (.mbox)',
      `.${format}`,
      format === 'zip' ? 'application/zip' : 'application/mbox',
    );
    if (picked.status === 'cancelled') return;
    const controller = new AbortController();
    abort.current = controller;
    setProgress({ done: 0, total: 0, failed: 0 });
    try {
      const result = await exportMail(
        { folder: folder === 'all' ? null : folder, format, signal: controller.signal },
        {
          size: (f) => client.transfer.exportSize.query({ folder: f }),
          page: (f, cursor) => client.transfer.exportPage.query({ folder: f, cursor }),
          decrypt: (data) => callKeys('decrypt', { data }),
        },
        picked.sink,
        setProgress,
      );
      const written = result.done - result.failed;
      const where = picked.kind === 'download' ? 'the file is downloading' : 'the file is saved';
      setOutcome(
        result.failed > 0
          ? { tone: 'warning', text: `Exported ${written} messages; ${where}. ${result.failed} could not be decrypted with your key and were left out.` }
          : { tone: 'success', text: `Exported ${written} messages; ${where}.` },
      );
    } catch (err) {
      setOutcome(controller.signal.aborted ? { tone: 'warning', text: 'Export cancelled; nothing was saved.' } : { tone: 'error', text: errorMessage(err) });
    } finally {
      abort.current = null;
      setProgress(null);
    }
  }

  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-600">Your mail is decrypted here, in this browser, and written straight to the file.</p>
      <div>
        <label htmlFor="export-folder" className="block text-sm font-medium text-slate-700">
          Folder
        </label>
        <select
          id="export-folder"
          className="mt-1 block w-full max-w-xs rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm"
          value={folder}
          disabled={progress !== null}
          onChange={(event) => setFolder(event.target.value as MailFolder | 'all')}
        >
          <option value="all">All mail</option>
          {MAIL_FOLDERS.map((f) => (
            <option key={f} value={f}>
              {FOLDER_NAMES[f]}
            </option>
          ))}
        </select>
      </div>
      <fieldset className="space-y-1">
        <legend className="text-sm font-medium text-slate-700">Format</legend>
        {(
          [
            ['mbox', 'One .mbox file', 'Thunderbird, Apple Mail and most mail programs open it.'],
            ['zip', 'A .zip of .eml files', 'One file per message.'],
          ] as const
        ).map(([value, label, hint]) => (
          <label key={value} className="flex items-start gap-2 text-sm">
            <input type="radio" name="export-format" value={value} checked={format === value} disabled={progress !== null} onChange={() => setFormat(value)} />
            <span>
              {label} <span className="text-slate-600">— {hint}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {progress ? (
        <div className="space-y-2">
          <StepProgress label="Exporting" step={progress.done} total={Math.max(progress.total, 1)} />
          <p className="text-sm text-slate-600" aria-live="polite">
            {progress.done.toLocaleString()} of {progress.total.toLocaleString()} messages
          </p>
          <Button type="button" variant="secondary" onClick={() => abort.current?.abort()}>
            Cancel
          </Button>
        </div>
      ) : (
        <Button type="button" onClick={() => void start()}>
          Export
        </Button>
      )}
      {outcome ? <Alert tone={outcome.tone}>{outcome.text}</Alert> : null}
    </div>
  );
}
