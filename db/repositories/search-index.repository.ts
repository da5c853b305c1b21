import 'server-only';
import type { Db } from '../client';

type Executor = Db;

/** Every message of a user, id and plaintext metadata only, newest first; keyset-paged. */
export async function listCatalog(db: Executor, userId: string, limit: number, after?: { receivedAt: Date; id: string }) {
  let query = db.selectFrom('messages').select(['id', 'folder', 'seen', 'received_at']).where('user_id', '=', userId);
  if (after) {
    query = query.where((eb) => eb.or([eb('received_at', '<', after.receivedAt), eb.and([eb('received_at', '=', after.receivedAt), eb('id', '<', after.id)])]));
  }
  return query.orderBy('received_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

export async function getRawBatch(db: Executor, userId: string, ids: string[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('messages').select(['id', 'raw_ciphertext', 'received_at']).where('user_id', '=', userId).where('id', 'in', ids).execute();
}

export async function listSegments(db: Executor, userId: string) {
  return db
    .selectFrom('search_index_segments')
    .select(['segment_id', 'version', 'updated_at', (eb) => eb.fn<number>('octet_length', ['ciphertext']).as('size')])
    .where('user_id', '=', userId)
    .execute();
}

export async function getSegments(db: Executor, userId: string, ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .selectFrom('search_index_segments')
    .select(['segment_id', 'version', 'ciphertext'])
    .where('user_id', '=', userId)
    .where('segment_id', 'in', ids)
    .execute();
}

/** Writes a segment (insert or overwrite) and returns its new version. */
export async function putSegment(db: Executor, userId: string, segmentId: string, ciphertext: Uint8Array, now: Date): Promise<number> {
  const row = await db
    .insertInto('search_index_segments')
    .values({ user_id: userId, segment_id: segmentId, ciphertext, version: 1, updated_at: now })
    .onConflict((oc) =>
      oc.columns(['user_id', 'segment_id']).doUpdateSet((eb) => ({ ciphertext, updated_at: now, version: eb('search_index_segments.version', '+', 1) })),
    )
    .returning('version')
    .executeTakeFirstOrThrow();
  return row.version;
}

export async function deleteSegments(db: Executor, userId: string, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db.deleteFrom('search_index_segments').where('user_id', '=', userId).where('segment_id', 'in', ids).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function segmentBytes(db: Executor, userId: string): Promise<number> {
  const row = await db
    .selectFrom('search_index_segments')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<string>(eb.fn('octet_length', ['ciphertext'])), eb.lit(0)).as('bytes'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.bytes);
}
