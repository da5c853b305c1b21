import 'server-only';
import { CompiledQuery } from 'kysely';
import { type Db, namedStatement } from '../client';
import type { SessionRow } from '../schema';

export async function insertSession(
  db: Db,
  row: { user_id: string; client_key: Uint8Array; user_agent: string | null; ip: string | null; expires_at: Date; second_factor_pending?: boolean },
): Promise<SessionRow> {
  return db.insertInto('sessions').values(row).returningAll().executeTakeFirstOrThrow();
}

/** The session, if it exists, is not revoked and has not expired at `now`. */
export async function findActiveSession(db: Db, id: string, now: Date): Promise<SessionRow | undefined> {
  return db.selectFrom('sessions').selectAll().where('id', '=', id).where('revoked_at', 'is', null).where('expires_at', '>', now).executeTakeFirst();
}

/** A live session with the few fields of its user that every request needs. */
export interface SignedInSessionRow {
  second_factor_pending: boolean;
  client_key: Uint8Array;
  last_seen_at: Date;
  id: string;
  username: string;
  is_admin: boolean;
  created_at: Date;
  disabled_at: Date | null;
}

// Run on every request of a signed-in client: fixed text, prepared once per connection. One
// statement answers every session id in `$1` (concurrent requests share it: server/auth/current-session.ts).
const SIGNED_IN_SESSIONS = namedStatement(
  'signed_in_sessions',
  `SELECT s.id AS session_id, s.second_factor_pending, s.client_key, s.last_seen_at, u.id, u.username, u.is_admin, u.created_at, u.disabled_at
   FROM sessions s INNER JOIN users u ON u.id = s.user_id
   WHERE s.id = ANY($1::uuid[]) AND s.revoked_at IS NULL AND s.expires_at > $2`,
);

/** The live sessions among `ids` (uuids) with the few fields of their users that every request needs, in one query. */
export async function findSignedInSessions(db: Db, ids: string[], now: Date): Promise<(SignedInSessionRow & { session_id: string })[]> {
  return (await db.executeQuery<SignedInSessionRow & { session_id: string }>(CompiledQuery.raw(SIGNED_IN_SESSIONS, [ids, now]))).rows;
}

export async function touchSession(db: Db, id: string, now: Date): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
}

export async function listActiveSessions(db: Db, userId: string, now: Date): Promise<SessionRow[]> {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('last_seen_at', 'desc')
    .execute();
}

/** Revoking wipes the client key too, so the browser's sessionStorage copy can't be unwrapped. */
export async function revokeSession(db: Db, id: string, userId: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('sessions')
    .set({ revoked_at: now, client_key: new Uint8Array(0) })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function revokeAllSessions(db: Db, userId: string, now: Date): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: now, client_key: new Uint8Array(0) })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
}
