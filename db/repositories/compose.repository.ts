import 'server-only';
import type { Db } from '../client';
import type { NewMessageRow } from '../schema';
import { insertMessages } from './message.repository';
import { notifyNewMail } from './notification.repository';

// Db is Kysely<Database>; a Transaction<Database> is one too, so every function here runs in either.
type Executor = Db;

/** The ciphertexts a composed message leaves: one per recipient mailbox, and the sender's Sent copy. */
export interface ComposedCopies {
  recipients: NewMessageRow[];
  sent: NewMessageRow;
  /** The draft the message was sent from: deleted with the same commit. */
  draftId?: string;
}

/**
 * Files every copy, drops the draft and wakes the mailboxes, in one transaction: recipients see
 * the message exactly when the sender's Sent copy exists, and a failure leaves neither.
 */
/** Run it in a transaction: the copies, the Sent copy and the draft's deletion go together. */
export async function storeComposedMail(trx: Executor, copies: ComposedCopies): Promise<{ sentId: string; recipientIds: string[] }> {
  const inserted = await insertMessages(trx, [...copies.recipients, copies.sent]);
  if (copies.draftId) await deleteDraft(trx, copies.sent.user_id, copies.draftId);
  await notifyNewMail(trx, [...copies.recipients.map((r) => r.user_id), copies.sent.user_id]);
  return { sentId: inserted.at(-1)!.id, recipientIds: inserted.slice(0, -1).map((r) => r.id) };
}

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
