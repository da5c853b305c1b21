import { fromBase64 } from '@/crypto/encoding';
import type { MailFolder } from '@/mime/folders';
import type { DecryptOutcome } from '../keys/protocol';
import { mboxEntry } from './mbox';
import { createZipStream, emlName } from './zip';

/**
 * Exporting mail: pages of stored ciphertext from the server, each message decrypted in the key
 * Worker and written to a sink straight away. At most one page (50 messages or 16 MB, see
 * server/transfer) and one message's plaintext are held at once, whatever the mailbox's size.
 * Plain module, no DOM: the page passes in the server, the Worker and the file.
 */
export type ExportFormat = 'mbox' | 'zip';

export interface ExportItem {
  id: string;
  folder: MailFolder;
  receivedAt: string;
  raw: string;
}

export interface ExportDeps {
  size(folder: MailFolder | null): Promise<{ count: number; bytes: number }>;
  page(folder: MailFolder | null, cursor: string | null): Promise<{ items: ExportItem[]; nextCursor: string | null }>;
  decrypt(data: Uint8Array): Promise<DecryptOutcome>;
}

/** Where the bytes go: a file picked with showSaveFilePicker, a download, or a test's file. */
export interface ByteSink {
  write(chunk: Uint8Array): Promise<void>;
  close(): Promise<void>;
  abort(): Promise<void>;
}

export interface ExportProgress {
  done: number;
  total: number;
  /** Messages that did not decrypt with this key: left out of the file and counted here. */
  failed: number;
}

export async function exportMail(
  options: { folder: MailFolder | null; format: ExportFormat; signal?: AbortSignal },
  deps: ExportDeps,
  sink: ByteSink,
  onProgress: (progress: ExportProgress) => void = () => undefined,
): Promise<ExportProgress> {
  const { count } = await deps.size(options.folder);
  const progress: ExportProgress = { done: 0, total: count, failed: 0 };
  onProgress({ ...progress });
  const zip = options.format === 'zip' ? createZipStream() : null;
  const write = async (chunks: Uint8Array[]) => {
    for (const chunk of chunks) await sink.write(chunk);
  };
  try {
    let cursor: string | null = null;
    do {
      options.signal?.throwIfAborted();
      const page: { items: ExportItem[]; nextCursor: string | null } = await deps.page(options.folder, cursor);
      for (const item of page.items) {
        const outcome = await deps.decrypt(fromBase64(item.raw));
        if (outcome.status === 'ok') {
          if (zip) await write(zip.add(emlName(item), outcome.data, new Date(item.receivedAt)));
          else await sink.write(mboxEntry(outcome.data, new Date(item.receivedAt)));
        } else {
          progress.failed++;
        }
        progress.done++;
      }
      onProgress({ ...progress });
      cursor = page.nextCursor;
    } while (cursor);
    if (zip) await write(zip.end());
    await sink.close();
    return progress;
  } catch (err) {
    await sink.abort();
    throw err;
  }
}
