import 'server-only';
import type { Db } from '../../db/client';
import { type MailPageRequest, type MailPageRow, listMailPages } from '../../db/repositories/mail-page.repository';
import { type MessageListRow, countMessages, getMessage, moveMessages, setSeen } from '../../db/repositories/message.repository';
import { purgeFromTrash } from '../../db/repositories/trash.repository';
import type { MessageRow } from '../../db/schema';
import { AppError } from '../errors';
import { groupedStatementsPerPool } from '../grouped-statements';
import { MAIL_FOLDERS, type MailFolder, OWN_FOLDER, isMailFolder } from '../../mime/folders';

/**
 * The mailbox as the web client sees it. The server only ever handles ciphertext here: summaries
 * and raw messages leave as base64 OpenPGP messages that the browser decrypts.
 */
export const PAGE_SIZE = 50;

export interface MailListItem {
  id: string;
  /** A built-in folder's name, or the id of a folder of the user's own. */
  folder: string;
  seen: boolean;
  starred: boolean;
  labelIds: string[];
  receivedAt: string;
  size: number;
  /** Base64 of the OpenPGP message that holds the summary JSON. */
  summary: string;
  /** Internal mail: base64 of the server's attestation of the sender (mime/origin.ts); else null. */
  origin: string | null;
}

export interface MailPage {
  items: MailListItem[];
  /** Pass back as `cursor` for the next, older page; null on the last page. */
  nextCursor: string | null;
}

export interface RawMail {
  id: string;
  folder: MailFolder;
  seen: boolean;
  receivedAt: string;
  size: number;
  /** Base64 of the OpenPGP message that holds the raw RFC 5322 bytes. */
  raw: string;
  origin: string | null;
}

export interface FolderCounts {
  total: number;
  unread: number;
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

// A row in a folder this client doesn't know (one added later) is shown in the inbox rather than lost.
const folderOf = (folder: string): MailFolder => (isMailFolder(folder) ? folder : 'inbox');
const listFolderOf = (folder: string): string => (isMailFolder(folder) || OWN_FOLDER.test(folder) ? folder : 'inbox');

export function rowToMailListItem(row: MessageListRow, labelIds: string[] = []): MailListItem {
  return {
    id: row.id,
    folder: listFolderOf(row.folder),
    seen: row.seen,
    starred: row.starred,
    labelIds,
    receivedAt: row.received_at.toISOString(),
    size: row.size,
    summary: base64(row.summary_ciphertext),
    origin: row.origin_ciphertext ? base64(row.origin_ciphertext) : null,
  };
}

export function rowToRawMail(row: MessageRow): RawMail {
  return {
    id: row.id,
    folder: folderOf(row.folder),
    seen: row.seen,
    receivedAt: row.received_at.toISOString(),
    size: row.size,
    raw: base64(row.raw_ciphertext),
    origin: row.origin_ciphertext ? base64(row.origin_ciphertext) : null,
  };
}

/** The keyset cursor: the received time (ms) and id of the last row of the previous page. */
export function encodeCursor(row: { receivedAt: string; id: string }): string {
  return `${Date.parse(row.receivedAt)}.${row.id}`;
}

export function decodeCursor(cursor: string): { receivedAt: Date; id: string } {
  const match = /^(\d{1,15})\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i.exec(cursor);
  if (!match) throw new AppError('BAD_INPUT', 'That page of the mailbox does not exist. Reload the list.');
  return { receivedAt: new Date(Number(match[1])), id: match[2]!.toLowerCase() };
}

/** A row of the list's own query (mail-page.repository.ts), which comes base64 and ISO already. */
function pageRowToMailListItem(row: MailPageRow): MailListItem {
  return {
    id: row.id,
    folder: listFolderOf(row.folder),
    seen: row.seen,
    starred: row.starred,
    labelIds: row.label_ids,
    receivedAt: row.received_at,
    size: row.size,
    summary: row.summary,
    origin: row.origin,
  };
}

/**
 * Pages of PAGE_SIZE + 1 rows (one extra tells whether an older page exists without a second
 * query). List calls are grouped the way the session checks are (server/auth/current-session.ts):
 * calls that arrive while two statements are in flight go together in the next, each page its own
 * index scan in it. A waiting call never joins a statement already running, so every page is read
 * after its call arrived.
 */
const readPage = groupedStatementsPerPool<Db, MailPageRequest, MailPageRow[]>((db) => ({
  concurrency: 2,
  take: (waiting) => Math.min(waiting.length, 64),
  run: (batch) => listMailPages(db, batch, PAGE_SIZE + 1),
}));

export async function listFolder(db: Db, userId: string, folder: string, cursor?: string | null): Promise<MailPage> {
  const rows = await readPage(db, { userId, folder, before: cursor ? decodeCursor(cursor) : undefined });
  const items = rows.slice(0, PAGE_SIZE).map(pageRowToMailListItem);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > PAGE_SIZE && last ? encodeCursor(last) : null };
}

export async function getRawMail(db: Db, userId: string, id: string): Promise<RawMail> {
  const row = await getMessage(db, userId, id);
  if (!row) throw new AppError('NOT_FOUND', 'This message no longer exists.');
  return rowToRawMail(row);
}

export async function markSeen(db: Db, userId: string, ids: string[], seen: boolean): Promise<{ updated: number }> {
  return { updated: await setSeen(db, userId, ids, seen) };
}

export async function moveToFolder(db: Db, userId: string, ids: string[], folder: MailFolder): Promise<{ updated: number }> {
  return { updated: await moveMessages(db, userId, ids, folder) };
}

/** Deletes for good; only messages already in the trash are affected. */
export async function deleteForever(db: Db, userId: string, ids: string[]): Promise<{ deleted: number }> {
  return { deleted: await purgeFromTrash(db, userId, ids) };
}

export async function folderCounts(db: Db, userId: string): Promise<Record<MailFolder, FolderCounts>> {
  const counts = await Promise.all(MAIL_FOLDERS.map((folder) => countMessages(db, userId, folder)));
  return Object.fromEntries(MAIL_FOLDERS.map((folder, i) => [folder, counts[i]!])) as Record<MailFolder, FolderCounts>;
}
