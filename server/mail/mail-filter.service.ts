import 'server-only';
import type { Db } from '../../db/client';
import { countMailFilters, deleteMailFilter, insertMailFilter, listMailFilters, type MailFilterRow } from '../../db/repositories/mail-filter.repository';
import { findLabel } from '../../db/repositories/mailbox-organize.repository';
import { type FilterAction, type FilterField, type FilterFolder, MAX_FILTER_TEXT, MAX_FILTERS_PER_USER } from '../../mime/mail-filter';
import { AppError } from '../errors';

/**
 * Per-user filter rules: the settings page lists, adds and removes them; the MX applies them at
 * arrival (server/mail/seal.ts). They are stored in plaintext, which docs/filtering.md explains.
 */
export interface MailFilter {
  id: string;
  field: FilterField;
  contains: string;
  action: FilterAction;
  folder: FilterFolder | null;
  /** The label a label rule puts on mail (its id; the name is ciphertext only the browser reads). */
  labelId: string | null;
}

const toFilter = (row: MailFilterRow): MailFilter => ({
  id: row.id,
  field: row.field,
  contains: row.contains,
  action: row.action,
  folder: row.folder as FilterFolder | null,
  labelId: row.label_id,
});

export async function listFilters(db: Db, userId: string): Promise<MailFilter[]> {
  return (await listMailFilters(db, userId)).map(toFilter);
}

export async function addFilter(
  db: Db,
  userId: string,
  input: { field: FilterField; contains: string; action: FilterAction; folder: FilterFolder | null; labelId?: string | null },
): Promise<MailFilter> {
  const contains = input.field === 'has_attachment' ? '' : input.contains.trim();
  if (input.field !== 'has_attachment' && !contains) throw new AppError('BAD_INPUT', 'Say what the rule looks for.');
  if (contains.length > MAX_FILTER_TEXT) throw new AppError('BAD_INPUT', `At most ${MAX_FILTER_TEXT} characters.`);
  if (input.action === 'move' && !input.folder) throw new AppError('BAD_INPUT', 'Choose the folder to move to.');
  if (input.action === 'label') {
    if (!input.labelId) throw new AppError('BAD_INPUT', 'Choose the label to put on the mail.');
    const label = await findLabel(db, userId, input.labelId);
    if (!label || label.kind !== 'label') throw new AppError('BAD_INPUT', 'That label no longer exists; choose another.');
  }
  if ((await countMailFilters(db, userId)) >= MAX_FILTERS_PER_USER) {
    throw new AppError('BAD_INPUT', `At most ${MAX_FILTERS_PER_USER} rules; remove one first.`);
  }
  const row = await insertMailFilter(db, {
    user_id: userId,
    field: input.field,
    contains,
    action: input.action,
    folder: input.action === 'move' ? input.folder : null,
    label_id: input.action === 'label' ? (input.labelId ?? null) : null,
  });
  return toFilter(row);
}

export async function removeFilter(db: Db, userId: string, id: string): Promise<void> {
  if (!(await deleteMailFilter(db, userId, id))) throw new AppError('NOT_FOUND', 'That rule no longer exists.');
}
