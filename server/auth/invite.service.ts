import 'server-only';
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { findUsableInvite, insertInvite, listInvites, markInviteUsed, revokeInvite as revokeRow } from '../../db/repositories/invite.repository';
import type { Clock } from '../clock';
import { AppError } from '../errors';

/**
 * Single-use registration links. The admin hands the link to a person, who registers with it and
 * chooses their own password in their own browser: the admin never knows it. Only a hash of the
 * token is stored, so the table alone can't be used to register.
 */
export const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** The token's shape in a link: base64url, as createInvite makes it. */
export const inviteTokenSchema = z
  .string()
  .min(16)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'expected an invitation token');

const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

export interface CreatedInvite {
  id: string;
  token: string;
  /** The path to hand out, relative to the instance's address. */
  path: string;
  expiresAt: string;
}

export async function createInvite(db: Db, clock: Clock, createdBy: string | null): Promise<CreatedInvite> {
  const token = randomBytes(24).toString('base64url');
  const expires = new Date(clock.now().getTime() + INVITE_TTL_MS);
  const row = await insertInvite(db, { token_hash: hashToken(token), created_by: createdBy, expires_at: expires });
  return { id: row.id, token, path: `/register?invite=${token}`, expiresAt: expires.toISOString() };
}

/** The invite a token names, if it can still be used; undefined otherwise. */
export async function usableInvite(db: Db, now: Date, token: string): Promise<{ id: string } | undefined> {
  return findUsableInvite(db, hashToken(token), now);
}

export async function inviteIsUsable(db: Db, now: Date, token: string): Promise<boolean> {
  return inviteTokenSchema.safeParse(token).success && (await usableInvite(db, now, token)) !== undefined;
}

/** Inside the registration's transaction: fails the registration when someone used the invite first. */
export async function consumeInvite(db: Db, inviteId: string, userId: string, now: Date): Promise<void> {
  if (!(await markInviteUsed(db, inviteId, userId, now))) {
    throw new AppError('REGISTRATION_CLOSED', 'This invitation has already been used or has expired. Ask the administrator for a new one.');
  }
}

export interface InviteInfo {
  id: string;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
  createdBy: string | null;
  usedBy: string | null;
  state: 'open' | 'used' | 'expired';
}

export async function recentInvites(db: Db, clock: Clock): Promise<InviteInfo[]> {
  const now = clock.now();
  return (await listInvites(db, 100)).map((row) => ({
    id: row.id,
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
    usedAt: row.used_at?.toISOString() ?? null,
    createdBy: row.created_by_username,
    usedBy: row.used_by_username,
    state: row.used_at ? 'used' : row.expires_at <= now ? 'expired' : 'open',
  }));
}

export async function revokeInvite(db: Db, clock: Clock, id: string): Promise<void> {
  if (!(await revokeRow(db, id, clock.now()))) throw new AppError('INVALID_STATE', 'That invitation was already used.');
}
