import 'server-only';
import { sql } from 'kysely';
import type { Db } from '../client';
import type { MessageRow, NewMessageRow } from '../schema';

// Db is Kysely<Database>; a Transaction<Database> is one too, so every function here runs in either.
type Executor = Db;

export type MessageListRow = Omit<MessageRow, 'raw_ciphertext' | 'conversation_key'>;

const listColumns = ['id', 'user_id', 'folder', 'seen', 'received_at', 'size', 'summary_ciphertext', 'origin_ciphertext', 'starred', 'moved_at'] as const;

export async function insertMessages(db: Executor, rows: NewMessageRow[]): Promise<{ id: string; user_id: string }[]> {
  if (rows.length === 0) return [];
  return db.insertInto('messages').values(rows).returning(['id', 'user_id']).execute();
}

/**
 * One page of a folder, newest first. `before` is the last row of the previous page (keyset
 * pagination), so pages stay stable while new mail arrives.
 */
export async function listMessages(
  db: Executor,
  userId: string,
  opts: { folder: string; limit: number; before?: { receivedAt: Date; id: string } },
): Promise<(MessageListRow & { label_ids: string[] })[]> {
  let query = db
    .selectFrom('messages')
    .select(listColumns)
    // The page's labels in the same query: one round trip per page.
    .select(sql<string[]>`coalesce((select array_agg(ml.label_id::text) from message_labels ml where ml.message_id = messages.id), '{}')`.as('label_ids'))
    .where('user_id', '=', userId)
    .where('folder', '=', opts.folder);
  const before = opts.before;
  if (before) {
    query = query.where((eb) =>
      eb.or([eb('received_at', '<', before.receivedAt), eb.and([eb('received_at', '=', before.receivedAt), eb('id', '<', before.id)])]),
    );
  }
  return query.orderBy('received_at', 'desc').orderBy('id', 'desc').limit(opts.limit).execute();
}

export async function countMessages(db: Executor, userId: string, folder: string): Promise<{ total: number; unread: number }> {
  const row = await db
    .selectFrom('messages')
    .select((eb) => [eb.fn.countAll<string>().as('total'), eb.fn.count<string>('id').filterWhere('seen', '=', false).as('unread')])
    .where('user_id', '=', userId)
    .where('folder', '=', folder)
    .executeTakeFirstOrThrow();
  return { total: Number(row.total), unread: Number(row.unread) };
}

export async function getMessage(db: Executor, userId: string, id: string): Promise<MessageRow | undefined> {
  return db.selectFrom('messages').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
}

export async function setSeen(db: Executor, userId: string, ids: string[], seen: boolean): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db.updateTable('messages').set({ seen }).where('user_id', '=', userId).where('id', 'in', ids).executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function moveMessages(db: Executor, userId: string, ids: string[], folder: string): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db.updateTable('messages').set({ folder, moved_at: new Date() }).where('user_id', '=', userId).where('id', 'in', ids).executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function deleteMessages(db: Executor, userId: string, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db.deleteFrom('messages').where('user_id', '=', userId).where('id', 'in', ids).executeTakeFirst();
  return Number(result.numDeletedRows);
}
