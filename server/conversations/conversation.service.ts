import 'server-only';
import type { Db } from '../../db/client';
import {
  type ConversationListRow,
  conversationMembers,
  conversationMessageIds,
  listConversation,
  listConversationHeads,
  listUnplaced,
  setConversationKeys,
} from '../../db/repositories/conversation.repository';
import { labelIdsOf } from '../../db/repositories/mailbox-organize.repository';
import { moveMessages, setSeen } from '../../db/repositories/message.repository';
import type { MailFolder } from '../../mime/folders';
import { AppError } from '../errors';
import { type MailListItem, PAGE_SIZE, decodeCursor, encodeCursor, rowToMailListItem } from '../mail/mailbox.service';

/**
 * Conversations, from keys the browser computed: the server groups messages by an opaque HMAC and
 * never sees a Message-ID, a subject or an address. A message without a key yet (nobody has
 * decrypted it since it arrived) is a conversation of its own until a session places it.
 */
export type ConversationItem = MailListItem & { conversationKey: string | null };

export interface ConversationSummary {
  /** The conversation key, or null for a message not placed yet (then `latest` is that message). */
  key: string | null;
  count: number;
  unread: number;
  /** How many of its messages are starred. */
  starred: number;
  /** The newest message of the conversation in the listed folder: the row's position and cursor. */
  latest: ConversationItem;
  /** Up to RECENT_MEMBERS newest messages of the conversation (any folder but drafts and trash): participants. */
  recent: ConversationItem[];
}

export const RECENT_MEMBERS = 3;
/** A thread longer than this opens with its newest messages. */
export const THREAD_LIMIT = 200;

const toItem = (row: ConversationListRow): ConversationItem => ({ ...rowToMailListItem(row), conversationKey: row.conversation_key });

/** Fills in each item's labels (one query for the page). */
async function withLabels(db: Db, items: ConversationItem[]): Promise<void> {
  const labels = await labelIdsOf(db, [...new Set(items.map((item) => item.id))]);
  for (const item of items) item.labelIds = labels.get(item.id) ?? [];
}

export async function listConversations(
  db: Db,
  userId: string,
  folder: string,
  cursor?: string | null,
): Promise<{ items: ConversationSummary[]; nextCursor: string | null }> {
  const heads = await listConversationHeads(db, userId, { folder, limit: PAGE_SIZE + 1, before: cursor ? decodeCursor(cursor) : undefined });
  const page = heads.slice(0, PAGE_SIZE);
  const keys = [...new Set(page.flatMap((row) => (row.conversation_key ? [row.conversation_key] : [])))];
  const members = await conversationMembers(db, userId, keys, { perConversation: RECENT_MEMBERS, inTrash: folder === 'trash' });
  const recentByKey = new Map<string, ConversationItem[]>();
  for (const row of members.rows) {
    const list = recentByKey.get(row.conversation_key!) ?? [];
    list.push(toItem(row));
    recentByKey.set(row.conversation_key!, list);
  }
  const items = page.map((row): ConversationSummary => {
    const latest = toItem(row);
    const key = row.conversation_key;
    const totals = key ? members.totals.get(key) : undefined;
    return {
      key,
      count: totals?.count ?? 1,
      unread: totals?.unread ?? (row.seen ? 0 : 1),
      starred: totals?.starred ?? (row.starred ? 1 : 0),
      latest,
      recent: (key && recentByKey.get(key)) || [latest],
    };
  });
  await withLabels(
    db,
    items.flatMap((item) => [item.latest, ...item.recent]),
  );
  const last = page[page.length - 1];
  return { items, nextCursor: heads.length > PAGE_SIZE && last ? encodeCursor(toItem(last)) : null };
}

export async function openConversation(db: Db, userId: string, key: string): Promise<{ items: ConversationItem[] }> {
  const rows = await listConversation(db, userId, key, THREAD_LIMIT);
  if (rows.length === 0) throw new AppError('NOT_FOUND', 'This conversation no longer exists.');
  const items = rows.map(toItem);
  await withLabels(db, items);
  return { items };
}

/** A batch of messages no session has placed yet: the browser decrypts their summaries and places them. */
export async function unplacedMessages(db: Db, userId: string): Promise<{ items: ConversationItem[] }> {
  return { items: (await listUnplaced(db, userId, PLACE_BATCH)).map(toItem) };
}

export const PLACE_BATCH = 100;

export async function placeMessages(db: Db, userId: string, items: { id: string; key: string }[]): Promise<{ updated: number }> {
  return { updated: await setConversationKeys(db, userId, items) };
}

/** Moves every message of the conversations (all folders but drafts; from the trash, only what is in it). */
export async function moveConversations(db: Db, userId: string, keys: string[], from: string, to: MailFolder): Promise<{ updated: number }> {
  return db.transaction().execute(async (trx) => {
    const ids = await conversationMessageIds(trx, userId, keys, { inTrash: from === 'trash' });
    return { updated: await moveMessages(trx, userId, ids, to) };
  });
}

export async function setConversationsSeen(db: Db, userId: string, keys: string[], seen: boolean): Promise<{ updated: number }> {
  return db.transaction().execute(async (trx) => {
    const ids = await conversationMessageIds(trx, userId, keys, { inTrash: false });
    return { updated: await setSeen(trx, userId, ids, seen) };
  });
}
