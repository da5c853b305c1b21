'use client';
import { useRef, useState } from 'react';
import { Alert, Button, StepProgress } from '@/app/components/ui';
import { type ImportState, importMail } from '@/app/lib/import/import-mail';
import { type SavedImport, importPositions } from '@/app/lib/import/import-position';
import { collectMessageIds } from '@/app/lib/import/known-ids';
import { type FilePosition, type PickedFile, fileMessages, filesFingerprint, filesProblem } from '@/app/lib/import/sources';
import { callKeys } from '@/app/lib/keys/key-proxy';
import { parseMessage } from '@/app/lib/mail/parse-message';
import { errorMessage, useTRPCClient } from '@/app/lib/trpc';

type Outcome = { tone: 'success' | 'error' | 'warning'; text: string };

const START: ImportState<FilePosition> = { position: { file: 0, offset: 0 }, imported: 0, skipped: 0 };

/** How far into the files a position is, in bytes, for the progress bar. */
function bytesRead(files: PickedFile[], position: FilePosition): number {
  let read = 0;
  for (let i = 0; i < Math.min(position.file, files.length); i++) read += files[i]!.size;
  return read + position.offset;
}

/**
 * .mbox and .eml files, parsed and encrypted to this user's key in the browser, uploaded 25 at a
 * time. After each stored batch the position is saved in IndexedDB (under a hash of the account
 * and the files, never their content), so choosing the same files after a reload offers to resume.
 * Messages whose Message-ID is already in the mailbox are skipped.
 */
export function ImportSection({ owner, maxMessageBytes }: { owner: string; maxMessageBytes: number }) {
  const client = useTRPCClient();
  const [files, setFiles] = useState<File[]>([]);
  const [saved, setSaved] = useState<SavedImport | null>(null);
  const [running, setRunning] = useState<ImportState<FilePosition> | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const abort = useRef<AbortController | null>(null);
  const totalBytes = files.reduce((sum, file) => sum + file.size, 0);

  async function choose(list: FileList | null) {
    const picked = list ? [...list] : [];
    setFiles(picked);
    setOutcome(null);
    setSaved(null);
    setProblem(picked.length > 0 ? filesProblem(picked, maxMessageBytes) : null);
    if (picked.length === 0) return;
    const previous = await importPositions.load(await filesFingerprint(owner, picked)).catch(() => undefined);
    if (previous && !previous.finished && previous.imported + previous.skipped > 0) setSaved(previous);
  }

  async function run(from: ImportState<FilePosition>) {
    const why = filesProblem(files, maxMessageBytes);
    if (why) return setProblem(why);
    setProblem(null);
    setOutcome(null);
    setSaved(null);
    const key = await filesFingerprint(owner, files);
    const controller = new AbortController();
    abort.current = controller;
    setRunning(from);
    try {
      const result = await importMail(
        fileMessages(files, from.position, maxMessageBytes),
        {
          knownMessageIds: () =>
            collectMessageIds(
              (after) => client.transfer.summaries.query({ after }),
              async (items) => (await callKeys('decryptBatch', { items })).results,
            ),
          parse: (raw) => parseMessage(raw),
          encryptToSelf: async (parts) => (await callKeys('encryptToSelf', { parts })).parts,
          upload: (items) => client.transfer.importBatch.mutate({ items }),
          savePosition: (state) => importPositions.save(key, { ...state, finished: false }),
          now: () => new Date(),
        },
        from,
        { onProgress: setRunning, signal: controller.signal },
      );
      await importPositions.save(key, { ...result, finished: true });
      setOutcome({
        tone: 'success',
        text: `Imported ${result.imported} messages into your Inbox.${result.skipped > 0 ? ` Skipped ${result.skipped} already in your mailbox.` : ''}`,
      });
    } catch (err) {
      setOutcome(
        controller.signal.aborted
          ? { tone: 'warning', text: 'Import paused. Choose the same files again to resume where it stopped.' }
          : { tone: 'error', text: `${errorMessage(err)} What was imported before stays; choose the same files again to resume.` },
      );
    } finally {
      abort.current = null;
      setRunning(null);
    }
  }

  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-600">
        Bring mail from another provider: .mbox or .eml files are read and encrypted to your key in this browser, then stored. Original dates are kept, and
        messages already in your mailbox are skipped.
      </p>
      <div>
        <label htmlFor="import-files" className="block text-sm font-medium text-slate-700">
          Files to import
        </label>
        <input
          id="import-files"
          type="file"
          multiple
          accept=".mbox,.mbx,.eml,application/mbox,message/rfc822"
          disabled={running !== null}
          className="mt-1 block w-full min-w-0 text-sm"
          aria-describedby={problem ? 'import-files-error' : undefined}
          onChange={(event) => void choose(event.target.files)}
        />
        {problem ? (
          <p id="import-files-error" className="mt-1 text-sm text-red-700">
            {problem}
          </p>
        ) : null}
      </div>
      {saved && !running ? (
        <Alert tone="info">
          An import of these files stopped after {(saved.imported + saved.skipped).toLocaleString()} messages ({saved.imported.toLocaleString()} imported,{' '}
          {saved.skipped.toLocaleString()} skipped).
          <div className="mt-2 flex flex-wrap gap-2">
            <Button type="button" onClick={() => void run(saved)}>
              Resume import
            </Button>
          </div>
        </Alert>
      ) : null}
      {running ? (
        <div className="space-y-2">
          <StepProgress label="Importing" step={bytesRead(files, running.position)} total={Math.max(totalBytes, 1)} />
          <p className="text-sm text-slate-600" aria-live="polite">
            Imported {running.imported}, skipped {running.skipped}
          </p>
          <Button type="button" variant="secondary" onClick={() => abort.current?.abort()}>
            Pause
          </Button>
        </div>
      ) : (
        <Button type="button" disabled={files.length === 0} onClick={() => void run(START)}>
          Import
        </Button>
      )}
      {outcome ? <Alert tone={outcome.tone}>{outcome.text}</Alert> : null}
    </div>
  );
}
