import 'server-only';
import type { Db } from '../client';
import type { NewMessageRow } from '../schema';
import { insertMessages } from './message.repository';

// Db is Kysely<Database>; a Transaction<Database> is one too, so every function here runs in either.
type Executor = Db;

export async function insertDraft(db: Executor, row: NewMessageRow): Promise<string> {
  const [inserted] = await insertMessages(db, [{ ...row, folder: 'drafts', seen: true }]);
  return inserted!.id;
}

/** Replaces a draft's content; only a row that is still the user's draft. */
export async function updateDraft(
  db: Executor,
  userId: string,
  id: string,
  content: Pick<NewMessageRow, 'raw_ciphertext' | 'summary_ciphertext' | 'size' | 'received_at'>,
): Promise<boolean> {
  const result = await db
    .updateTable('messages')
    .set(content)
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('folder', '=', 'drafts')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function deleteDraft(db: Executor, userId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('messages').where('id', '=', id).where('user_id', '=', userId).where('folder', '=', 'drafts').executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
