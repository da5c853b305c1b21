import 'server-only';
import { type SelectQueryBuilder, sql } from 'kysely';
import type { Db } from '../client';
import type { Database, MailLabelRow } from '../schema';

type Executor = Db;

/**
 * Labels, folders of the user's own, stars, and changes to many messages at once. A selection is
 * a list of ids, or "everything in this folder" (or under this label), which the database resolves
 * itself, so pages the browser never loaded are included and one statement does the work.
 */
export type Selection =
  | { ids: string[] }
  | { folder: string }
  | { labelId: string }
  /** Conversation view's rows: whole conversations by key, and messages no session has placed yet, as listed in `in`. */
  | { conversations: string[]; ids: string[]; in: string }
  /** Every conversation present in a folder (and its unplaced messages), pages not loaded included. */
  | { conversationsIn: string };

const NO_ID = '00000000-0000-0000-0000-000000000000';

/** The ids of the user's messages that a selection names, as a subquery. */
function selected(db: Executor, userId: string, selection: Selection): SelectQueryBuilder<Database, 'messages', { id: string }> {
  let query = db.selectFrom('messages').select('messages.id').where('messages.user_id', '=', userId);
  // A whole conversation is its messages in every folder but Drafts and Trash; listed in the Trash, only what is in the Trash.
  const memberFolders = (from: string) =>
    from === 'trash' ? sql<boolean>`messages.folder = 'trash'` : sql<boolean>`messages.folder NOT IN ('trash', 'drafts')`;
  if ('conversations' in selection) {
    const keys = selection.conversations.length ? selection.conversations : [''];
    const ids = selection.ids.length ? selection.ids : [NO_ID];
    return query.where((eb) => eb.or([eb.and([eb('messages.conversation_key', 'in', keys), memberFolders(selection.in)]), eb('messages.id', 'in', ids)]));
  }
  if ('conversationsIn' in selection) {
    const folder = selection.conversationsIn;
    const present = db
      .selectFrom('messages as c')
      .select('c.conversation_key')
      .where('c.user_id', '=', userId)
      .where('c.folder', '=', folder)
      .where('c.conversation_key', 'is not', null);
    return query.where((eb) =>
      eb.or([
        eb.and([eb('messages.conversation_key', 'in', present), memberFolders(folder)]),
        eb.and([eb('messages.folder', '=', folder), eb('messages.conversation_key', 'is', null)]),
      ]),
    );
  }
  if ('ids' in selection) query = query.where('messages.id', 'in', selection.ids.length ? selection.ids : [NO_ID]);
  else if ('folder' in selection) query = query.where('messages.folder', '=', selection.folder);
  else query = query.where('messages.id', 'in', db.selectFrom('message_labels').select('message_id').where('label_id', '=', selection.labelId));
  return query;
}

/** Moves the selection; returns each moved message's id and the folder it came from (for Undo). */
export async function moveSelection(db: Executor, userId: string, selection: Selection, folder: string): Promise<{ id: string; from: string }[]> {
  const rows = await sql<{ id: string; from: string }>`
    UPDATE messages AS m SET folder = ${folder}, moved_at = now()
    FROM messages AS old
    WHERE m.id = old.id AND m.user_id = ${userId} AND m.folder <> ${folder}
      AND m.id IN (${selected(db, userId, selection)})
    RETURNING m.id, old.folder AS "from"`.execute(db);
  return rows.rows;
}

/** Puts messages back where they were: one UPDATE for each folder they came from. */
export async function restoreFolders(db: Executor, userId: string, moves: { id: string; from: string }[]): Promise<number> {
  const byFolder = new Map<string, string[]>();
  for (const move of moves) byFolder.set(move.from, [...(byFolder.get(move.from) ?? []), move.id]);
  let restored = 0;
  for (const [folder, ids] of byFolder) {
    const result = await db
      .updateTable('messages')
      .set({ folder, moved_at: new Date() })
      .where('user_id', '=', userId)
      .where('id', 'in', ids)
      .executeTakeFirst();
    restored += Number(result.numUpdatedRows);
  }
  return restored;
}

export async function flagSelection(db: Executor, userId: string, selection: Selection, flag: { seen: boolean } | { starred: boolean }): Promise<number> {
  const result = await db
    .updateTable('messages')
    .set(flag)
    .where('user_id', '=', userId)
    .where('id', 'in', selected(db, userId, selection))
    .where('seen' in flag ? 'seen' : 'starred', '=', !('seen' in flag ? flag.seen : flag.starred))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function labelSelection(db: Executor, userId: string, selection: Selection, labelId: string, on: boolean): Promise<number> {
  if (on) {
    const result = await sql`
      INSERT INTO message_labels (message_id, label_id)
      SELECT s.id, ${labelId}::uuid FROM (${selected(db, userId, selection)}) AS s
      ON CONFLICT DO NOTHING`.execute(db);
    return Number(result.numAffectedRows ?? 0);
  }
  const result = await db
    .deleteFrom('message_labels')
    .where('label_id', '=', labelId)
    .where('message_id', 'in', selected(db, userId, selection))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Deletes for good, only among messages already in `folder` (Trash or Spam). */
export async function purgeSelection(db: Executor, userId: string, selection: Selection, folder: 'trash' | 'spam'): Promise<number> {
  const result = await db
    .deleteFrom('messages')
    .where('user_id', '=', userId)
    .where('folder', '=', folder)
    .where('id', 'in', selected(db, userId, selection))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Trash and Spam older than `before` (by when they got there), for every user. */
export async function purgeExpired(db: Executor, before: Date): Promise<number> {
  const result = await db.deleteFrom('messages').where('folder', 'in', ['trash', 'spam']).where('moved_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function labelIdsOf(db: Executor, messageIds: string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>();
  if (messageIds.length === 0) return map;
  const rows = await db.selectFrom('message_labels').select(['message_id', 'label_id']).where('message_id', 'in', messageIds).execute();
  for (const row of rows) map.set(row.message_id, [...(map.get(row.message_id) ?? []), row.label_id]);
  return map;
}

export async function listLabels(db: Executor, userId: string): Promise<MailLabelRow[]> {
  return db.selectFrom('mail_labels').selectAll().where('user_id', '=', userId).orderBy('created_at').orderBy('id').execute();
}

export async function findLabel(db: Executor, userId: string, id: string): Promise<MailLabelRow | undefined> {
  return db.selectFrom('mail_labels').selectAll().where('user_id', '=', userId).where('id', '=', id).executeTakeFirst();
}

export async function insertLabel(
  db: Executor,
  row: { user_id: string; kind: 'label' | 'folder'; name_ciphertext: Uint8Array; color: string },
): Promise<MailLabelRow> {
  return db.insertInto('mail_labels').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function updateLabel(
  db: Executor,
  userId: string,
  id: string,
  patch: { name_ciphertext?: Uint8Array; color?: string },
): Promise<MailLabelRow | undefined> {
  return db.updateTable('mail_labels').set(patch).where('user_id', '=', userId).where('id', '=', id).returningAll().executeTakeFirst();
}

/** Deletes a label or folder; a folder's messages go back to the inbox first. */
export async function deleteLabel(db: Executor, userId: string, id: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await trx.updateTable('messages').set({ folder: 'inbox', moved_at: new Date() }).where('user_id', '=', userId).where('folder', '=', id).execute();
    const result = await trx.deleteFrom('mail_labels').where('user_id', '=', userId).where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  });
}

/** Total and unread per folder (built-in and own) and per label, in two statements. */
export async function countAll(
  db: Executor,
  userId: string,
): Promise<{ folders: Record<string, { total: number; unread: number }>; labels: Record<string, { total: number; unread: number }> }> {
  const [folderRows, labelRows] = await Promise.all([
    db
      .selectFrom('messages')
      .select((eb) => ['folder', eb.fn.countAll<string>().as('total'), eb.fn.count<string>('id').filterWhere('seen', '=', false).as('unread')])
      .where('user_id', '=', userId)
      .groupBy('folder')
      .execute(),
    db
      .selectFrom('message_labels as ml')
      .innerJoin('messages as m', 'm.id', 'ml.message_id')
      .select((eb) => ['ml.label_id', eb.fn.countAll<string>().as('total'), eb.fn.count<string>('m.id').filterWhere('m.seen', '=', false).as('unread')])
      .where('m.user_id', '=', userId)
      .groupBy('ml.label_id')
      .execute(),
  ]);
  const folders = Object.fromEntries(folderRows.map((r) => [r.folder, { total: Number(r.total), unread: Number(r.unread) }]));
  const labels = Object.fromEntries(labelRows.map((r) => [r.label_id, { total: Number(r.total), unread: Number(r.unread) }]));
  return { folders, labels };
}
