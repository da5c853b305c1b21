import 'server-only';
import { getServerSession } from 'next-auth';
import { findActiveSession, touchSession } from '../../db/repositories/session.repository';
import { findUserById } from '../../db/repositories/user.repository';
import { systemClock } from '../clock';
import { getDb } from '../db';
import { env } from '../env';
import { type Account, rowToAccount } from './account.service';
import { authOptions } from './nextauth';

export interface CurrentSession {
  sessionId: string;
  account: Account;
  clientKey: Uint8Array;
}

const TOUCH_EVERY_MS = 60_000;

/** The signed-in user, checked against the sessions table on every call; null when revoked. */
export async function getCurrentSession(): Promise<CurrentSession | null> {
  const jwt = await getServerSession(authOptions());
  const sid = (jwt as { sid?: string } | null)?.sid;
  if (!sid) return null;
  const db = getDb();
  const now = systemClock.now();
  const session = await findActiveSession(db, sid, now);
  // Password only, second factor still to come: not signed in yet (see second-factor.service.ts).
  if (!session || session.second_factor_pending) return null;
  const user = await findUserById(db, session.user_id);
  if (!user || user.disabled_at) return null;
  if (now.getTime() - session.last_seen_at.getTime() > TOUCH_EVERY_MS) await touchSession(db, sid, now);
  return { sessionId: sid, account: rowToAccount(user, env().MAIL_DOMAIN), clientKey: session.client_key };
}

/** The caller's session row, full or still waiting for its second factor (see two-factor.service.ts). */
export interface AnySession {
  sessionId: string;
  userId: string;
  pending: boolean;
  webauthnChallenge: string | null;
}

export async function getAnySession(): Promise<AnySession | null> {
  const jwt = await getServerSession(authOptions());
  const sid = (jwt as { sid?: string } | null)?.sid;
  if (!sid) return null;
  const session = await findActiveSession(getDb(), sid, systemClock.now());
  if (!session) return null;
  return { sessionId: sid, userId: session.user_id, pending: session.second_factor_pending, webauthnChallenge: session.webauthn_challenge };
}
