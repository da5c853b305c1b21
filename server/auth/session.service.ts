import 'server-only';
import { listActiveSessions, revokeSession } from '../../db/repositories/session.repository';
import { findUserById } from '../../db/repositories/user.repository';
import { insertAuditEvent } from '../../db/repositories/audit.repository';
import type { Db } from '../../db/client';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { CurrentSession } from './current-session';

export interface SessionInfo {
  id: string;
  current: boolean;
  userAgent: string | null;
  ip: string | null;
  createdAt: string; // ISO 8601: tRPC sends JSON, so dates travel as strings
  lastSeenAt: string;
}

/** What the browser needs to unlock its key: the wrapped key, and this session's client key. */
export async function keyring(db: Db, session: CurrentSession) {
  const user = await findUserById(db, session.account.id);
  if (!user) throw new AppError('UNAUTHORIZED', 'Your account no longer exists.');
  return {
    username: user.username,
    publicKey: user.public_key,
    wrappedKey: Buffer.from(user.wrapped_key).toString('base64'),
    clientKey: Buffer.from(session.clientKey).toString('base64'),
  };
}

export async function listSessions(db: Db, clock: Clock, session: CurrentSession): Promise<SessionInfo[]> {
  const rows = await listActiveSessions(db, session.account.id, clock.now());
  return rows.map((row) => ({
    id: row.id,
    current: row.id === session.sessionId,
    userAgent: row.user_agent,
    ip: row.ip,
    createdAt: row.created_at.toISOString(),
    lastSeenAt: row.last_seen_at.toISOString(),
  }));
}

export async function revoke(db: Db, clock: Clock, session: CurrentSession, sessionId: string, ip: string | null) {
  const revoked = await revokeSession(db, sessionId, session.account.id, clock.now());
  if (!revoked) throw new AppError('NOT_FOUND', 'That session has already ended.');
  await insertAuditEvent(db, { event: 'session.revoked', user_id: session.account.id, ip, details: { sessionId } });
}
