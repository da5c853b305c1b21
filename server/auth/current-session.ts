import 'server-only';
import { findActiveSession, findSignedInSession, touchSession } from '../../db/repositories/session.repository';
import { systemClock } from '../clock';
import { getDb } from '../db';
import { env } from '../env';
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

/** The signed-in user behind session `sid` (from the request's cookie), checked on every call. */
export async function currentSessionFor(sid: string | null): Promise<CurrentSession | null> {
  if (!sid) return null;
  const db = getDb();
  const now = systemClock.now();
  const row = await findSignedInSession(db, sid, now);
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
