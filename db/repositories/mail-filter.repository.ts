import 'server-only';
import type { Db } from '../client';
import type { MailFiltersTable } from '../schema';

export interface MailFilterRow {
  id: string;
  field: MailFiltersTable['field'];
  contains: string;
  action: MailFiltersTable['action'];
  folder: string | null;
  label_id: string | null;
  created_at: Date;
}

/** A user's rules in the order they apply: oldest first. */
export async function listMailFilters(db: Db, userId: string): Promise<MailFilterRow[]> {
  return db
    .selectFrom('mail_filters')
    .select(['id', 'field', 'contains', 'action', 'folder', 'label_id', 'created_at'])
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function countMailFilters(db: Db, userId: string): Promise<number> {
  const row = await db
    .selectFrom('mail_filters')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertMailFilter(
  db: Db,
  row: {
    user_id: string;
    field: MailFiltersTable['field'];
    contains: string;
    action: MailFiltersTable['action'];
    folder: string | null;
    label_id: string | null;
  },
): Promise<MailFilterRow> {
  return db
    .insertInto('mail_filters')
    .values(row)
    .returning(['id', 'field', 'contains', 'action', 'folder', 'label_id', 'created_at'])
    .executeTakeFirstOrThrow();
}

export async function deleteMailFilter(db: Db, userId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('mail_filters').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
