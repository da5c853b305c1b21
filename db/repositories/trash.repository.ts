import 'server-only';
import type { Db } from '../client';

/**
 * Deletes for good only the given messages that are already in the trash, so a stale client can
 * never destroy mail that is still in another folder.
 */
export async function purgeFromTrash(db: Db, userId: string, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db.deleteFrom('messages').where('user_id', '=', userId).where('folder', '=', 'trash').where('id', 'in', ids).executeTakeFirst();
  return Number(result.numDeletedRows);
}
