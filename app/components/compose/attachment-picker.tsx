'use client';
import { useRef, useState } from 'react';
import { Button } from '@/app/components/ui';
import type { DraftAttachment } from '@/app/lib/compose/compose-model';
import { readFileBytes } from '@/app/lib/compose/read-file';
import { formatSize } from '@/app/lib/mail/format';
import { CloseIcon, PaperclipIcon } from '../mail/icons';

/**
 * Attach files: each is read into memory with a progress bar; it is encrypted with the draft and
 * the message in the key Worker, never uploaded on its own. `limit` is the room left in bytes.
 */
export function AttachmentPicker({
  attachments,
  onAdd,
  onRemove,
  limit,
}: {
  attachments: DraftAttachment[];
  onAdd: (added: DraftAttachment) => void;
  onRemove: (id: string) => void;
  limit: number;
}) {
  const input = useRef<HTMLInputElement>(null);
  const [reading, setReading] = useState<{ id: string; name: string; progress: number }[]>([]);
  const [error, setError] = useState<string | null>(null);

  const addFiles = async (files: File[]) => {
    setError(null);
    let room = limit - attachments.reduce((sum, a) => sum + a.size, 0);
    for (const file of files) {
      if (file.size > room) {
        setError(`${file.name} is too large: attachments can add up to ${formatSize(limit)}.`);
        continue;
      }
      room -= file.size;
      const id = crypto.randomUUID();
      setReading((list) => [...list, { id, name: file.name, progress: 0 }]);
      try {
        const content = await readFileBytes(file, (progress) => setReading((list) => list.map((r) => (r.id === id ? { ...r, progress } : r))));
        onAdd({ id, filename: file.name, contentType: file.type || 'application/octet-stream', size: content.length, content });
      } catch (err) {
        setError(err instanceof Error ? err.message : `${file.name} could not be read.`);
      } finally {
        setReading((list) => list.filter((r) => r.id !== id));
      }
    }
  };

  return (
    <div className="space-y-2">
      {attachments.length || reading.length ? (
        <ul aria-label="Attachments" className="space-y-1">
          {attachments.map((a) => (
            <li key={a.id} data-testid="compose-attachment" className="flex items-center gap-2 rounded-lg border border-slate-200 px-2 py-1 text-sm">
              <PaperclipIcon className="h-4 w-4 text-slate-500" />
              <span className="min-w-0 flex-1 truncate">{a.filename}</span>
              <span className="shrink-0 text-xs text-slate-500">{formatSize(a.size)}</span>
              <button type="button" aria-label={`Remove ${a.filename}`} onClick={() => onRemove(a.id)} className="rounded p-1 hover:bg-slate-100">
                <CloseIcon className="h-3.5 w-3.5" />
              </button>
            </li>
          ))}
          {reading.map((r) => (
            <li key={r.id} className="space-y-1 rounded-lg border border-slate-200 px-2 py-1 text-sm">
              <span className="block truncate">{r.name}</span>
              <div
                role="progressbar"
                aria-label={`Adding ${r.name}`}
                aria-valuemin={0}
                aria-valuemax={100}
                aria-valuenow={Math.round(r.progress * 100)}
                className="h-1.5 overflow-hidden rounded-full bg-slate-200"
              >
                <div className="h-full bg-brand-500 transition-all" style={{ width: `${Math.round(r.progress * 100)}%` }} />
              </div>
            </li>
          ))}
        </ul>
      ) : null}
      {error ? (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
      <input
        ref={input}
        type="file"
        multiple
        className="sr-only"
        tabIndex={-1}
        aria-label="Files to attach"
        onChange={(e) => {
          const files = Array.from(e.target.files ?? []);
          e.target.value = '';
          void addFiles(files);
        }}
      />
      <Button type="button" variant="ghost" onClick={() => input.current?.click()}>
        <PaperclipIcon />
        Attach files
      </Button>
    </div>
  );
}
