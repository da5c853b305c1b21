import 'server-only';
import type { Db } from '../client';
import type { NewMessageRow } from '../schema';

/** Mailbox export and import: whole messages in stable order, and imported copies stored as mail. */

export interface ExportCursor {
  receivedAt: Date;
  id: string;
}

/** The next messages to export, oldest first, without their ciphertext: the caller sizes the page. */
export async function listExportHeads(db: Db, userId: string, opts: { folders: string[]; after?: ExportCursor; limit: number }) {
  let query = db.selectFrom('messages').select(['id', 'size', 'received_at']).where('user_id', '=', userId).where('folder', 'in', opts.folders);
  const after = opts.after;
  if (after) {
    query = query.where((eb) => eb.or([eb('received_at', '>', after.receivedAt), eb.and([eb('received_at', '=', after.receivedAt), eb('id', '>', after.id)])]));
  }
  return query.orderBy('received_at', 'asc').orderBy('id', 'asc').limit(opts.limit).execute();
}

export async function getExportRows(db: Db, userId: string, ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .selectFrom('messages')
    .select(['id', 'folder', 'seen', 'received_at', 'raw_ciphertext'])
    .where('user_id', '=', userId)
    .where('id', 'in', ids)
    .orderBy('received_at', 'asc')
    .orderBy('id', 'asc')
    .execute();
}

export async function countForExport(db: Db, userId: string, folders: string[]): Promise<{ count: number; bytes: number }> {
  const row = await db
    .selectFrom('messages')
    .select((eb) => [eb.fn.countAll<string>().as('count'), eb.fn.coalesce(eb.fn.sum<string>('size'), eb.val('0')).as('bytes')])
    .where('user_id', '=', userId)
    .where('folder', 'in', folders)
    .executeTakeFirstOrThrow();
  return { count: Number(row.count), bytes: Number(row.bytes) };
}

/** Every summary of the mailbox in id order, a page at a time: the browser's duplicate check reads them. */
export async function listSummaryPage(db: Db, userId: string, opts: { afterId?: string; limit: number }) {
  let query = db.selectFrom('messages').select(['id', 'summary_ciphertext']).where('user_id', '=', userId);
  if (opts.afterId) query = query.where('id', '>', opts.afterId);
  return query.orderBy('id', 'asc').limit(opts.limit).execute();
}

export async function insertImported(db: Db, rows: NewMessageRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const inserted = await db.insertInto('messages').values(rows).returning('id').execute();
  return inserted.length;
}
