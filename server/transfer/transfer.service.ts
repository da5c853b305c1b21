import 'server-only';
import type { Db } from '../../db/client';
import { insertAuditEvent } from '../../db/repositories/audit.repository';
import { findPublicKeys } from '../../db/repositories/recipient.repository';
import { countForExport, getExportRows, insertImported, listExportHeads, listSummaryPage } from '../../db/repositories/transfer.repository';
import { MAIL_FOLDERS, type MailFolder, isMailFolder } from '../../mime/folders';
import type { Account } from '../auth/account.service';
import { checkedCopy, type EncryptedCopy } from '../send/internal-copies.service';
import { AppError } from '../errors';
import type { Settings } from '../settings';

/**
 * Taking mail out and bringing it in. The server hands out and takes in ciphertext only: the
 * browser decrypts for export, and parses and encrypts for import. An imported copy is checked,
 * without decrypting, to be an OpenPGP message to the owner's key (as drafts are), then stored as
 * inbound mail is: raw and summary ciphertext, size, and the message's own date as received_at.
 */

/** Messages per export page, and the plaintext bytes a page stops at (one huge message still goes alone). */
export const EXPORT_PAGE_MESSAGES = 50;
export const EXPORT_PAGE_BYTES = 16 * 1024 * 1024;
export const SUMMARY_PAGE = 500;
export const IMPORT_BATCH_MESSAGES = 50;

const base64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
const foldersOf = (folder: MailFolder | null): string[] => (folder ? [folder] : [...MAIL_FOLDERS]);

export interface ExportItem {
  id: string;
  folder: MailFolder;
  seen: boolean;
  receivedAt: string;
  raw: string;
}

function encodeCursor(row: { received_at: Date; id: string }): string {
  return `${row.received_at.toISOString()}_${row.id}`;
}

function decodeCursor(cursor: string | null | undefined) {
  if (!cursor) return undefined;
  const [at, id] = cursor.split('_');
  const receivedAt = new Date(at ?? '');
  if (!id || Number.isNaN(receivedAt.getTime())) throw new AppError('BAD_INPUT', 'The export position is not valid. Start the export again.');
  return { receivedAt, id };
}

export async function exportSize(db: Db, account: Account, folder: MailFolder | null) {
  return countForExport(db, account.id, foldersOf(folder));
}

export async function exportPage(db: Db, account: Account, folder: MailFolder | null, cursor: string | null | undefined) {
  const heads = await listExportHeads(db, account.id, { folders: foldersOf(folder), after: decodeCursor(cursor), limit: EXPORT_PAGE_MESSAGES });
  let bytes = 0;
  let take = 0;
  for (const head of heads) {
    if (take > 0 && bytes + head.size > EXPORT_PAGE_BYTES) break;
    bytes += head.size;
    take++;
  }
  const page = heads.slice(0, take);
  const rows = await getExportRows(
    db,
    account.id,
    page.map((h) => h.id),
  );
  const items: ExportItem[] = rows.map((row) => ({
    id: row.id,
    folder: isMailFolder(row.folder) ? row.folder : 'inbox',
    seen: row.seen,
    receivedAt: row.received_at.toISOString(),
    raw: base64(row.raw_ciphertext),
  }));
  const last = page.at(-1);
  const more = take < heads.length || heads.length === EXPORT_PAGE_MESSAGES;
  return { items, nextCursor: last && more ? encodeCursor(last) : null };
}

export async function summaryPage(db: Db, account: Account, afterId: string | null | undefined) {
  const rows = await listSummaryPage(db, account.id, { afterId: afterId ?? undefined, limit: SUMMARY_PAGE });
  return {
    items: rows.map((row) => ({ id: row.id, summary: base64(row.summary_ciphertext) })),
    nextAfter: rows.length === SUMMARY_PAGE ? rows.at(-1)!.id : null,
  };
}

export interface ImportedCopy extends EncryptedCopy {
  /** The message's own date (its Date header), so it sorts where it did before. */
  receivedAt: Date;
  folder: MailFolder;
  seen: boolean;
}

export async function importBatch(db: Db, settings: Settings, account: Account, items: ImportedCopy[]): Promise<{ imported: number }> {
  const [key] = await findPublicKeys(db, [account.id]);
  const rows = [];
  for (const item of items) {
    const copy = await checkedCopy(settings, item, key?.public_key, 'your mailbox');
    rows.push({ user_id: account.id, folder: item.folder, seen: item.seen, received_at: item.receivedAt, ...copy });
  }
  // One statement: a batch is stored whole or not at all, so the browser's resume position stays true.
  return { imported: await insertImported(db, rows) };
}

/** The audit trail of a key leaving the browser: which form, never the key. */
export async function recordKeyExport(db: Db, account: Account, kind: 'private' | 'public', ip: string | null): Promise<void> {
  await insertAuditEvent(db, { event: 'key.exported', user_id: account.id, ip, details: { kind } });
}
