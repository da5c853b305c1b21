import 'server-only';
import type { Db } from '../../db/client';
import { deleteSegments, getRawBatch, getSegments, listCatalog, listSegments, putSegment, segmentBytes } from '../../db/repositories/search-index.repository';
import { AppError } from '../errors';
import type { Clock } from '../clock';
import { decodeCursor, encodeCursor } from '../mail/mailbox.service';
import { type MailFolder, isMailFolder } from '../../mime/folders';

/**
 * What the browser's search index needs from the server: the list of messages to index (ids and
 * the plaintext metadata the server has anyway), their ciphertext in batches, and a place to keep
 * the index itself as opaque encrypted segments. The server never sees a word, a query or a result.
 */
export const CATALOG_PAGE = 2000;
export const RAW_BATCH = 25;
/** Per user: 10,000 messages make an index of tens of MB; this bounds a runaway client. */
export const MAX_INDEX_BYTES = 512 * 1024 * 1024;
export const MAX_SEGMENT_BYTES = 16 * 1024 * 1024;

const base64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
const folderOf = (folder: string): MailFolder => (isMailFolder(folder) ? folder : 'inbox');

export async function catalogPage(db: Db, userId: string, cursor?: string | null) {
  const rows = await listCatalog(db, userId, CATALOG_PAGE + 1, cursor ? decodeCursor(cursor) : undefined);
  const items = rows.slice(0, CATALOG_PAGE).map((r) => ({ id: r.id, folder: folderOf(r.folder), seen: r.seen, receivedAt: r.received_at.toISOString() }));
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > CATALOG_PAGE && last ? encodeCursor(last) : null };
}

export async function rawBatch(db: Db, userId: string, ids: string[]) {
  const rows = await getRawBatch(db, userId, ids);
  return { items: rows.map((r) => ({ id: r.id, raw: base64(r.raw_ciphertext), receivedAt: r.received_at.toISOString() })) };
}

export async function segmentList(db: Db, userId: string) {
  const rows = await listSegments(db, userId);
  return { items: rows.map((r) => ({ id: r.segment_id, version: r.version, size: Number(r.size), updatedAt: r.updated_at.toISOString() })) };
}

export async function segmentData(db: Db, userId: string, ids: string[]) {
  const rows = await getSegments(db, userId, ids);
  return { items: rows.map((r) => ({ id: r.segment_id, version: r.version, ciphertext: base64(r.ciphertext) })) };
}

export async function storeSegment(db: Db, clock: Clock, userId: string, id: string, ciphertext: string) {
  const bytes = Buffer.from(ciphertext, 'base64');
  if (bytes.length > MAX_SEGMENT_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', 'This search index segment is too large.');
  if ((await segmentBytes(db, userId)) + bytes.length > MAX_INDEX_BYTES) {
    throw new AppError('INVALID_STATE', 'Your search index has reached its size limit; it stays on this device only.');
  }
  return { version: await putSegment(db, userId, id, bytes, clock.now()) };
}

export async function dropSegments(db: Db, userId: string, ids: string[]) {
  return { deleted: await deleteSegments(db, userId, ids) };
}
