import 'server-only';
import { sql } from 'kysely';
import type { Db } from '../client';
import type { MessageListRow } from './message.repository';

type Executor = Db;

const listColumns = [
  'id',
  'user_id',
  'folder',
  'seen',
  'received_at',
  'size',
  'summary_ciphertext',
  'origin_ciphertext',
  'starred',
  'moved_at',
  'conversation_key',
] as const;

export type ConversationListRow = MessageListRow & { conversation_key: string | null };

/** Sets the conversation key of the caller's own messages; returns how many rows changed. */
export async function setConversationKeys(db: Executor, userId: string, items: { id: string; key: string }[]): Promise<number> {
  if (items.length === 0) return 0;
  const values = sql.join(items.map((item) => sql`(${item.id}::uuid, ${item.key}::text)`));
  const result = await sql`
    UPDATE messages AS m SET conversation_key = v.key
    FROM (VALUES ${values}) AS v(id, key)
    WHERE m.id = v.id AND m.user_id = ${userId} AND m.conversation_key IS DISTINCT FROM v.key`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/**
 * The newest message of each conversation present in a folder, newest first: a walk down the
 * folder's (user, folder, received_at, id) index that skips a row when a newer message of the same
 * conversation sits in the same folder (an index probe on (user, conversation_key, received_at)).
 * A page costs about (page size × messages per conversation) probes at any folder size. Messages
 * without a key yet are conversations of their own.
 */
export async function listConversationHeads(db: Executor, userId: string, opts: HeadsOptions): Promise<ConversationListRow[]> {
  return conversationHeadsQuery(db, userId, opts).execute();
}

export type HeadsOptions = { folder: string; limit: number; before?: { receivedAt: Date; id: string } };

/** The query itself, so the benchmark can show its plan (EXPLAIN) without a second copy of it. */
export function conversationHeadsQuery(db: Executor, userId: string, opts: HeadsOptions) {
  let query = db
    .selectFrom('messages as m')
    .select(listColumns.map((c) => `m.${c}` as const))
    .where('m.user_id', '=', userId)
    .where('m.folder', '=', opts.folder)
    .where((eb) =>
      eb.or([
        eb('m.conversation_key', 'is', null),
        eb.not(
          eb.exists(
            eb
              .selectFrom('messages as n')
              .select(sql`1`.as('one'))
              .where('n.user_id', '=', userId)
              .whereRef('n.conversation_key', '=', 'm.conversation_key')
              .whereRef('n.folder', '=', 'm.folder')
              .where(sql<boolean>`(n.received_at, n.id) > (m.received_at, m.id)`),
          ),
        ),
      ]),
    );
  const before = opts.before;
  if (before) {
    // A row comparison, which the (user_id, folder, received_at, id) index answers as a range; the
    // equivalent OR made PostgreSQL read every newer row of the folder first.
    query = query.where(sql<boolean>`(m.received_at, m.id) < (${before.receivedAt}::timestamptz, ${before.id}::uuid)`);
  }
  return query.orderBy('m.received_at', 'desc').orderBy('m.id', 'desc').limit(opts.limit);
}

/**
 * The members of some conversations, newest first, at most `perConversation` of each, with the
 * count and unread count of each. Trash is left out unless `inTrash`, where only the trash counts.
 */
export async function conversationMembers(
  db: Executor,
  userId: string,
  keys: string[],
  opts: { perConversation: number; inTrash: boolean },
): Promise<{ rows: ConversationListRow[]; totals: Map<string, { count: number; unread: number; starred: number }> }> {
  if (keys.length === 0) return { rows: [], totals: new Map() };
  const trashFilter = opts.inTrash ? sql`folder = 'trash'` : sql`folder NOT IN ('trash', 'drafts')`;
  const ranked = await sql<ConversationListRow & { total: string; unread: string; starred_count: string }>`
    SELECT * FROM (
      SELECT ${sql.join(listColumns.map((c) => sql.ref(c)))},
        row_number() OVER w AS rank,
        count(*) OVER (PARTITION BY conversation_key) AS total,
        count(*) FILTER (WHERE NOT seen) OVER (PARTITION BY conversation_key) AS unread,
        count(*) FILTER (WHERE starred) OVER (PARTITION BY conversation_key) AS starred_count
      FROM messages
      WHERE user_id = ${userId} AND conversation_key = ANY(${keys}::text[]) AND ${trashFilter}
      WINDOW w AS (PARTITION BY conversation_key ORDER BY received_at DESC, id DESC)
    ) ranked WHERE rank <= ${opts.perConversation}
    ORDER BY received_at DESC, id DESC`.execute(db);
  const totals = new Map<string, { count: number; unread: number; starred: number }>();
  const rows: ConversationListRow[] = [];
  for (const row of ranked.rows) {
    const { total, unread, starred_count, ...rest } = row as typeof row & { rank: unknown };
    delete (rest as { rank?: unknown }).rank;
    totals.set(row.conversation_key!, { count: Number(total), unread: Number(unread), starred: Number(starred_count) });
    rows.push(rest);
  }
  return { rows, totals };
}

/** The ids of every message of these conversations (all folders but drafts), for whole-conversation actions. */
export async function conversationMessageIds(db: Executor, userId: string, keys: string[], opts: { inTrash: boolean }): Promise<string[]> {
  if (keys.length === 0) return [];
  let query = db.selectFrom('messages').select('id').where('user_id', '=', userId).where('conversation_key', 'in', keys);
  query = opts.inTrash ? query.where('folder', '=', 'trash') : query.where('folder', 'not in', ['trash', 'drafts']);
  return (await query.execute()).map((row) => row.id);
}

/** Every message of one conversation, oldest first (bounded), for the thread view. */
export async function listConversation(db: Executor, userId: string, key: string, limit: number): Promise<ConversationListRow[]> {
  return db
    .selectFrom('messages')
    .select(listColumns)
    .where('user_id', '=', userId)
    .where('conversation_key', '=', key)
    .where('folder', '!=', 'drafts')
    .orderBy('received_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute()
    .then((rows) => rows.reverse());
}

/** Messages without a conversation key, newest first (drafts are never placed). */
export async function listUnplaced(db: Executor, userId: string, limit: number): Promise<ConversationListRow[]> {
  return db
    .selectFrom('messages')
    .select(listColumns)
    .where('user_id', '=', userId)
    .where('conversation_key', 'is', null)
    .where('folder', '!=', 'drafts')
    .orderBy('received_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
