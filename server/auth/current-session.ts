import 'server-only';
import type { Db } from '../../db/client';
import { type SignedInSessionRow, findActiveSession, findSignedInSessions, touchSession } from '../../db/repositories/session.repository';
import { systemClock } from '../clock';
import { getDb } from '../db';
import { env } from '../env';
import { groupedStatementsPerPool } from '../grouped-statements';
import { type Account, rowToAccount } from './account.service';
import { sessionIdFromCookies } from './session-cookie';

export interface CurrentSession {
  sessionId: string;
  account: Account;
  clientKey: Uint8Array;
}

const TOUCH_EVERY_MS = 60_000;

/**
 * The session id in the cookie of the request Next is rendering (pages and route handlers).
 * next/headers is loaded here, not at the top: the web role's own server imports this module too,
 * before Next has set up the request storage that next/headers needs at load time.
 */
async function requestSessionId(): Promise<string | null> {
  const { cookies } = await import('next/headers');
  return sessionIdFromCookies((await cookies()).getAll());
}

/** The signed-in user of the request Next is handling, checked against the sessions table; null when revoked. */
export async function getCurrentSession(): Promise<CurrentSession | null> {
  return currentSessionFor(await requestSessionId());
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Session checks, one per request, grouped the way the MX groups its lookups (grouped-statements.ts):
 * checks that arrive while two statements are in flight go together in the next, so 50 clients
 * paging at once cost a few statements, not 50. Each check still reads the sessions table after its
 * request arrived (a waiting check joins the next statement, never one already running), so a
 * revoked session is refused from the next request on.
 */
const checkSession = groupedStatementsPerPool<Db, { sid: string; now: Date }, SignedInSessionRow | undefined>((db) => ({
  concurrency: 2,
  take: (waiting) => Math.min(waiting.length, 256),
  run: async (batch) => {
    // The latest clock of the batch: a session that expired while its check waited is expired.
    const now = new Date(Math.max(...batch.map((request) => request.now.getTime())));
    const rows = await findSignedInSessions(db, [...new Set(batch.map((request) => request.sid.toLowerCase()))], now);
    const byId = new Map(rows.map((row) => [row.session_id, row]));
    return batch.map((request) => byId.get(request.sid.toLowerCase()));
  },
}));

/** The signed-in user behind session `sid` (from the request's cookie), checked on every call. */
export async function currentSessionFor(sid: string | null, db: Db = getDb()): Promise<CurrentSession | null> {
  if (!sid || !UUID.test(sid)) return null;
  const now = systemClock.now();
  const row = await checkSession(db, { sid, now });
  // Password only, second factor still to come: not signed in yet (see second-factor.service.ts).
  if (!row || row.second_factor_pending || row.disabled_at) return null;
  if (now.getTime() - row.last_seen_at.getTime() > TOUCH_EVERY_MS) await touchSession(db, sid, now);
  return { sessionId: sid, account: rowToAccount(row, env().MAIL_DOMAIN), clientKey: row.client_key };
}

/** The caller's session row, full or still waiting for its second factor (see two-factor.service.ts). */
export interface AnySession {
  sessionId: string;
  userId: string;
  pending: boolean;
  /** Sent back to the enrolment gate after sign-in, because 2FA became required (two-factor-gate). */
  gated: boolean;
  webauthnChallenge: string | null;
}

export async function anySessionFor(sid: string | null): Promise<AnySession | null> {
  if (!sid) return null;
  const session = await findActiveSession(getDb(), sid, systemClock.now());
  if (!session) return null;
  return {
    sessionId: sid,
    userId: session.user_id,
    pending: session.second_factor_pending,
    gated: session.two_factor_gated_at !== null,
    webauthnChallenge: session.webauthn_challenge,
  };
}

/** anySessionFor the request Next is rendering (the sign-in page sends a session waiting for 2FA on). */
export async function getAnySession(): Promise<AnySession | null> {
  return anySessionFor(await requestSessionId());
}
