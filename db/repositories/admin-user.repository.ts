import 'server-only';
import { sql } from 'kysely';
import type { Db } from '../client';

// Db is Kysely<Database>; a Transaction<Database> is one too, so every function here runs in either.
type Executor = Db;

/** One account as the admin console lists it: no key material, no content. */
export interface AdminUserRow {
  id: string;
  username: string;
  is_admin: boolean;
  created_at: Date;
  disabled_at: Date | null;
  quota_bytes: string | null;
  last_seen_at: Date | null;
  message_count: string;
  storage_bytes: string;
}

/** Users with their activity and storage, newest first; `search` matches a part of the username. */
export async function listUsersWithStats(db: Executor, opts: { search?: string; limit: number; offset: number }): Promise<AdminUserRow[]> {
  const pattern = opts.search ? `%${opts.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const { rows } = await sql<AdminUserRow>`
    SELECT u.id, u.username, u.is_admin, u.created_at, u.disabled_at, u.quota_bytes,
           (SELECT max(s.last_seen_at) FROM sessions s WHERE s.user_id = u.id) AS last_seen_at,
           coalesce(m.count, 0) AS message_count, coalesce(m.bytes, 0) AS storage_bytes
      FROM users u
      LEFT JOIN LATERAL (SELECT count(*) AS count, sum(size) AS bytes FROM messages WHERE user_id = u.id) m ON true
     WHERE ${pattern}::text IS NULL OR u.username LIKE ${pattern}
     ORDER BY u.created_at DESC, u.id
     LIMIT ${opts.limit} OFFSET ${opts.offset}`.execute(db);
  return rows;
}

export async function countUsers(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function setUserDisabled(db: Executor, userId: string, disabledAt: Date | null): Promise<boolean> {
  const result = await db.updateTable('users').set({ disabled_at: disabledAt, updated_at: new Date() }).where('id', '=', userId).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Sets the admin flag. Taking it away succeeds only while another enabled admin remains, checked
 * in the same statement under a lock on the admins, so two demotions can't leave none.
 */
export async function setUserAdmin(db: Executor, userId: string, isAdmin: boolean): Promise<'ok' | 'not-found' | 'last-admin'> {
  if (isAdmin) {
    const result = await db.updateTable('users').set({ is_admin: true, updated_at: new Date() }).where('id', '=', userId).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0 ? 'ok' : 'not-found';
  }
  return db.transaction().execute(async (trx) => {
    const admins = await sql<{ id: string; disabled: boolean }>`
      SELECT id, disabled_at IS NOT NULL AS disabled FROM users WHERE is_admin ORDER BY id FOR UPDATE`.execute(trx);
    const target = await trx.selectFrom('users').select(['id', 'is_admin']).where('id', '=', userId).executeTakeFirst();
    if (!target) return 'not-found';
    if (!target.is_admin) return 'ok';
    if (!admins.rows.some((a) => a.id !== userId && !a.disabled)) return 'last-admin';
    await trx.updateTable('users').set({ is_admin: false, updated_at: new Date() }).where('id', '=', userId).execute();
    return 'ok';
  });
}

/** Enabled admins other than `userId`: whether someone could still run the instance without them. */
export async function countOtherActiveAdmins(db: Executor, userId: string): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('is_admin', '=', true)
    .where('disabled_at', 'is', null)
    .where('id', '!=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function setUserQuota(db: Executor, userId: string, quotaBytes: number | null): Promise<boolean> {
  const result = await db.updateTable('users').set({ quota_bytes: quotaBytes, updated_at: new Date() }).where('id', '=', userId).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Bytes of mail the user holds (sizes as received), and their own quota if an admin set one. */
export async function findStorage(db: Executor, userId: string): Promise<{ used: number; quota: number | null } | undefined> {
  const { rows } = await sql<{ used: string; quota_bytes: string | null }>`
    SELECT coalesce((SELECT sum(size) FROM messages WHERE user_id = u.id), 0) AS used, u.quota_bytes
      FROM users u WHERE u.id = ${userId}`.execute(db);
  const row = rows[0];
  return row ? { used: Number(row.used), quota: row.quota_bytes === null ? null : Number(row.quota_bytes) } : undefined;
}

/**
 * What the SMTP recipient check needs about a mailbox, in one round trip: whether it is disabled,
 * and whether it is full (at or over its quota, or the default when it has none; 0 = no limit).
 */
export async function findMailboxState(db: Executor, userId: string, defaultQuotaBytes: number): Promise<{ disabled: boolean; full: boolean } | undefined> {
  const { rows } = await sql<{ disabled: boolean; full: boolean }>`
    SELECT u.disabled_at IS NOT NULL AS disabled,
           CASE WHEN coalesce(u.quota_bytes, ${defaultQuotaBytes}::bigint) = 0 THEN false
                ELSE coalesce((SELECT sum(size) FROM messages WHERE user_id = u.id), 0) >= coalesce(u.quota_bytes, ${defaultQuotaBytes}::bigint)
           END AS full
      FROM users u WHERE u.id = ${userId}`.execute(db);
  return rows[0];
}

/** Deletes the account; messages, keys, addresses, aliases, domains and sessions go with it (ON DELETE CASCADE). */
export async function deleteUserRow(db: Executor, userId: string): Promise<{ username: string } | undefined> {
  return db.deleteFrom('users').where('id', '=', userId).returning('username').executeTakeFirst();
}

export async function retireUsername(db: Executor, username: string, until: Date): Promise<void> {
  await db
    .insertInto('retired_usernames')
    .values({ username, retired_until: until })
    .onConflict((oc) => oc.column('username').doUpdateSet({ retired_until: until }))
    .execute();
}

export async function isUsernameRetired(db: Executor, username: string, now: Date): Promise<boolean> {
  const row = await db.selectFrom('retired_usernames').select('username').where('username', '=', username).where('retired_until', '>', now).executeTakeFirst();
  return row !== undefined;
}
