import 'server-only';
import type { Db } from '../client';
import type { ApiKeyRow, ApiScope } from '../platform-schema';

export async function insertApiKey(db: Db, row: ApiKeyRow): Promise<ApiKeyRow> {
  return db.insertInto('api_keys').values(row).returningAll().executeTakeFirstOrThrow();
}

/** A key that is not revoked, by the hash of its secret. */
export async function findLiveApiKeyByHash(db: Db, hash: Uint8Array): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_keys').selectAll().where('key_hash', '=', hash).where('revoked_at', 'is', null).executeTakeFirst();
}

export async function listApiKeys(db: Db, domain: string): Promise<ApiKeyRow[]> {
  return db.selectFrom('api_keys').selectAll().where('domain', '=', domain).orderBy('created_at', 'desc').execute();
}

export async function revokeApiKey(db: Db, domain: string, id: string, now: Date): Promise<ApiKeyRow | undefined> {
  return db
    .updateTable('api_keys')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('domain', '=', domain)
    .where('revoked_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

export async function touchApiKey(db: Db, id: string, now: Date): Promise<void> {
  await db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', id).execute();
}

export type { ApiScope };
