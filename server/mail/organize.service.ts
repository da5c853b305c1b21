import 'server-only';
import { checkEncryptedTo } from '../../crypto';
import type { Db } from '../../db/client';
import {
  type Selection,
  countAll,
  deleteLabel,
  findLabel,
  flagSelection,
  insertLabel,
  labelSelection,
  listLabels,
  moveSelection,
  purgeExpired,
  purgeSelection,
  restoreFolders,
  updateLabel,
} from '../../db/repositories/mailbox-organize.repository';
import type { MailLabelRow } from '../../db/schema';
import { findPublicKeys } from '../../db/repositories/recipient.repository';
import { MOVE_TARGETS, OWN_FOLDER } from '../../mime/folders';
import type { Account } from '../auth/account.service';
import { AppError } from '../errors';

/**
 * Labels, folders of one's own, stars and bulk changes. Names arrive encrypted to the user's own
 * key (checked here, as Sent copies are) and leave as the same ciphertext; the server never reads
 * them. A selection of "all in this folder" is resolved by the database, pages not loaded included.
 */
export const LABEL_COLORS = ['slate', 'red', 'amber', 'green', 'teal', 'blue', 'violet', 'pink'] as const;
export type LabelColor = (typeof LABEL_COLORS)[number];
const MAX_LABELS = 500;
const MAX_NAME_CIPHERTEXT = 4096;

export interface MailLabel {
  id: string;
  kind: 'label' | 'folder';
  /** Base64 OpenPGP message to the owner's key: the name as UTF-8. */
  name: string;
  color: string;
}

export type BulkAction =
  | { kind: 'move'; folder: string }
  | { kind: 'seen'; value: boolean }
  | { kind: 'star'; value: boolean }
  | { kind: 'label'; labelId: string; value: boolean }
  | { kind: 'delete-forever'; folder: 'trash' | 'spam' };

export interface BulkResult {
  updated: number;
  /** After a move: each message and the folder it left, for Undo. */
  moves: { id: string; from: string }[];
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

export function rowToMailLabel(row: MailLabelRow): MailLabel {
  return { id: row.id, kind: row.kind, name: base64(row.name_ciphertext), color: row.color };
}

async function encryptedName(db: Db, account: Account, name: string): Promise<Uint8Array> {
  const bytes = new Uint8Array(Buffer.from(name, 'base64'));
  if (bytes.length === 0 || bytes.length > MAX_NAME_CIPHERTEXT) throw new AppError('BAD_INPUT', 'That name is empty or too long.');
  const [key] = await findPublicKeys(db, [account.id]);
  if (!key) throw new AppError('NOT_FOUND', 'There is no key for your account.');
  const check = await checkEncryptedTo(bytes, key.public_key);
  if (check.status !== 'ok') throw new AppError('BAD_INPUT', 'The name must be encrypted to your own key.');
  return bytes;
}

async function ownFolderOrBuiltIn(db: Db, account: Account, folder: string): Promise<string> {
  if ((MOVE_TARGETS as readonly string[]).includes(folder)) return folder;
  if (OWN_FOLDER.test(folder) && (await findLabel(db, account.id, folder))?.kind === 'folder') return folder;
  throw new AppError('BAD_INPUT', 'Mail can be moved to Inbox, Archive, Spam, Trash or a folder of your own.');
}

export async function labelsOf(db: Db, account: Account): Promise<MailLabel[]> {
  return (await listLabels(db, account.id)).map(rowToMailLabel);
}

export async function createLabel(db: Db, account: Account, input: { kind: 'label' | 'folder'; name: string; color: LabelColor }): Promise<MailLabel> {
  const name = await encryptedName(db, account, input.name);
  if ((await listLabels(db, account.id)).length >= MAX_LABELS) throw new AppError('BAD_INPUT', `You can have at most ${MAX_LABELS} labels and folders.`);
  return rowToMailLabel(await insertLabel(db, { user_id: account.id, kind: input.kind, name_ciphertext: name, color: input.color }));
}

export async function editLabel(db: Db, account: Account, input: { id: string; name?: string; color?: LabelColor }): Promise<MailLabel> {
  const row = await updateLabel(db, account.id, input.id, {
    ...(input.name ? { name_ciphertext: await encryptedName(db, account, input.name) } : {}),
    ...(input.color ? { color: input.color } : {}),
  });
  if (!row) throw new AppError('NOT_FOUND', 'That label does not exist.');
  return rowToMailLabel(row);
}

export async function removeLabel(db: Db, account: Account, id: string): Promise<void> {
  if (!(await deleteLabel(db, account.id, id))) throw new AppError('NOT_FOUND', 'That label does not exist.');
}

export async function applyToSelection(db: Db, account: Account, selection: Selection, action: BulkAction): Promise<BulkResult> {
  if ('labelId' in selection && !(await findLabel(db, account.id, selection.labelId))) throw new AppError('NOT_FOUND', 'That label does not exist.');
  switch (action.kind) {
    case 'move': {
      const moves = await moveSelection(db, account.id, selection, await ownFolderOrBuiltIn(db, account, action.folder));
      return { updated: moves.length, moves };
    }
    case 'seen':
      return { updated: await flagSelection(db, account.id, selection, { seen: action.value }), moves: [] };
    case 'star':
      return { updated: await flagSelection(db, account.id, selection, { starred: action.value }), moves: [] };
    case 'label': {
      const label = await findLabel(db, account.id, action.labelId);
      if (label?.kind !== 'label') throw new AppError('NOT_FOUND', 'That label does not exist.');
      return { updated: await labelSelection(db, account.id, selection, action.labelId, action.value), moves: [] };
    }
    case 'delete-forever':
      return { updated: await purgeSelection(db, account.id, selection, action.folder), moves: [] };
  }
}

/** Undo of a move: each message goes back to the folder it left (if it is still the user's). */
export async function undoMoves(db: Db, account: Account, moves: { id: string; from: string }[]): Promise<{ updated: number }> {
  for (const move of moves) await ownFolderOrRestorable(db, account, move.from);
  return { updated: await restoreFolders(db, account.id, moves) };
}

async function ownFolderOrRestorable(db: Db, account: Account, folder: string): Promise<void> {
  // Drafts and Sent are restorable too: Undo puts back what a move took out of them.
  if (folder === 'drafts' || folder === 'sent') return;
  await ownFolderOrBuiltIn(db, account, folder);
}

export async function mailboxCounts(db: Db, account: Account) {
  return countAll(db, account.id);
}

/** The worker's daily sweep: Trash and Spam older than `days`. */
export async function purgeOldTrashAndSpam(db: Db, now: Date, days: number): Promise<number> {
  return purgeExpired(db, new Date(now.getTime() - days * 24 * 60 * 60 * 1000));
}
