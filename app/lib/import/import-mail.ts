import { toBase64 } from '@/crypto/encoding';
import type { MailFolder } from '@/mime/folders';
import type { ParseResult } from '../mail/parse-message';
import { importSummary, isoDate, messageIdKey } from './import-summary';

/**
 * Importing mail: each message is parsed and encrypted to the user's own key in the browser, then
 * uploaded in batches that the server stores whole or not at all. After each stored batch the
 * position (where the next unread message starts) is saved, so a reload resumes there.
 *
 * Duplicates: the browser builds the set of Message-IDs already in the mailbox by decrypting every
 * summary (which holds the Message-ID) and skips a message whose id is in it. The server learns
 * nothing it didn't know: it hands out summaries the user can read anyway, and no Message-ID, hash
 * of one, or "this is a duplicate" ever reaches it.
 */
export interface SourceMessage<P> {
  raw: Uint8Array;
  /** Where reading resumes once this message is stored. */
  next: P;
  /** A date to fall back on when the message has no readable Date header (the mbox separator's). */
  fallbackDate?: Date | null;
}

export interface ImportCopy {
  raw: string;
  summary: string;
  size: number;
  receivedAt: string;
  folder: MailFolder;
  seen: boolean;
}

export interface ImportDeps<P> {
  /** Every Message-ID already in the mailbox (decrypted summaries), normalised by messageIdKey. */
  knownMessageIds(): Promise<Set<string>>;
  parse(raw: Uint8Array): Promise<ParseResult>;
  /** Encrypts parts to the user's own key under one session key (the key Worker's encryptToSelf). */
  encryptToSelf(parts: Uint8Array[]): Promise<Uint8Array[]>;
  upload(items: ImportCopy[]): Promise<{ imported: number }>;
  savePosition(state: ImportState<P>): Promise<void>;
  now(): Date;
}

export interface ImportState<P> {
  position: P;
  imported: number;
  skipped: number;
}

export const IMPORT_BATCH = { messages: 25, bytes: 8 * 1024 * 1024 } as const;

export async function importMail<P>(
  source: AsyncIterable<SourceMessage<P>>,
  deps: ImportDeps<P>,
  start: ImportState<P>,
  options: { onProgress?: (state: ImportState<P>) => void; signal?: AbortSignal; folder?: MailFolder } = {},
): Promise<ImportState<P>> {
  const known = await deps.knownMessageIds();
  const state = { ...start };
  let batch: ImportCopy[] = [];
  let batchBytes = 0;
  let batchSkipped = 0;
  let position = start.position;

  const flush = async () => {
    if (batch.length) await deps.upload(batch);
    state.imported += batch.length;
    state.skipped += batchSkipped;
    state.position = position;
    batch = [];
    batchBytes = 0;
    batchSkipped = 0;
    await deps.savePosition({ ...state });
    options.onProgress?.({ ...state });
  };

  for await (const message of source) {
    options.signal?.throwIfAborted();
    const parsed = await deps.parse(message.raw);
    const summary = importSummary(parsed);
    const id = messageIdKey(summary.messageId);
    position = message.next;
    if (id && known.has(id)) {
      batchSkipped++;
    } else {
      if (id) known.add(id);
      const date = isoDate(summary.date) ?? message.fallbackDate?.toISOString() ?? deps.now().toISOString();
      const [raw, sealedSummary] = (await deps.encryptToSelf([message.raw, new TextEncoder().encode(JSON.stringify(summary))])) as [Uint8Array, Uint8Array];
      batch.push({
        raw: toBase64(raw),
        summary: toBase64(sealedSummary),
        size: message.raw.length,
        receivedAt: date,
        folder: options.folder ?? 'inbox',
        seen: true,
      });
      batchBytes += raw.length;
    }
    if (batch.length >= IMPORT_BATCH.messages || batchBytes >= IMPORT_BATCH.bytes || batchSkipped >= 500) await flush();
  }
  await flush();
  return state;
}
