'use client';
import type { ByteSink } from './export-mail';

/**
 * Where an export is written.
 *
 * Chromium-based browsers have the File System Access API: `showSaveFilePicker` gives a writable
 * stream to a file the user picked, and each message goes to disk as it is decrypted.
 *
 * Elsewhere (Firefox, Safari), the export is a list of Blob parts, one per write, joined into one
 * Blob and downloaded at the end. Browsers keep large Blobs out of the page's heap (Chromium and
 * Firefox page big blob data out to disk), so the JavaScript memory stays at one page of messages
 * while the file grows. Why not a Service Worker that streams a download: it needs its own
 * script, scope and keep-alive dance, and its lifetime ends whenever the browser likes, which a
 * 10,000-message export outlives; Blob parts are simple and have no moving parts.
 *
 * `pickFile` must be called straight from the click (before any await): the picker needs the
 * user's gesture.
 */
type SaveFilePicker = (options: {
  suggestedName: string;
  types: { description: string; accept: Record<string, string[]> }[];
}) => Promise<{ createWritable(): Promise<{ write(data: Uint8Array): Promise<void>; close(): Promise<void>; abort(): Promise<void> }> }>;

export type PickedSink = { status: 'ok'; sink: ByteSink; kind: 'file' | 'download' } | { status: 'cancelled' };

export async function pickFile(suggestedName: string, description: string, extension: string, mimeType: string): Promise<PickedSink> {
  const picker = (globalThis as { showSaveFilePicker?: SaveFilePicker }).showSaveFilePicker;
  if (!picker) return { status: 'ok', sink: blobDownloadSink(suggestedName), kind: 'download' };
  let handle: Awaited<ReturnType<SaveFilePicker>>;
  try {
    handle = await picker({ suggestedName, types: [{ description, accept: { [mimeType]: [extension] } }] });
  } catch (err) {
    // The user closed the picker: not an error to show.
    if (err instanceof DOMException && err.name === 'AbortError') return { status: 'cancelled' };
    throw err;
  }
  const writable = await handle.createWritable();
  return {
    status: 'ok',
    kind: 'file',
    sink: { write: (chunk) => writable.write(chunk), close: () => writable.close(), abort: () => writable.abort() },
  };
}

/** Always application/octet-stream: a Blob URL has Sealpost's origin, and must never render in place. */
export function blobDownloadSink(filename: string): ByteSink {
  let parts: Blob[] = [];
  return {
    async write(chunk) {
      parts.push(new Blob([chunk as Uint8Array<ArrayBuffer>]));
    },
    async close() {
      const url = URL.createObjectURL(new Blob(parts, { type: 'application/octet-stream' }));
      parts = [];
      const link = document.createElement('a');
      link.href = url;
      link.download = filename;
      link.rel = 'noopener';
      document.body.append(link);
      link.click();
      link.remove();
      // Revoking at once can cancel the download; a minute is plenty to start it.
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    },
    async abort() {
      parts = [];
    },
  };
}
