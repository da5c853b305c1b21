import 'server-only';
import type { Db } from '../../db/client';
import { type AdminUserRow, findStorage, listUsersWithStats, setUserAdmin, setUserDisabled, setUserQuota } from '../../db/repositories/admin-user.repository';
import { revokeAllSessions } from '../../db/repositories/session.repository';
import { findUserById, findUserByUsername } from '../../db/repositories/user.repository';
import type { Account } from '../auth/account.service';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { Settings } from '../settings';
import { deleteAccount } from './account-deletion.service';
import { auditAdminAction } from './admin-audit';
import { twoFactorStates } from './two-factor-hook';

/** A user as the admin console shows them: activity and storage, never keys or content. */
export interface AdminUser {
  id: string;
  username: string;
  address: string;
  isAdmin: boolean;
  disabled: boolean;
  createdAt: string;
  lastSeenAt: string | null;
  messageCount: number;
  storageBytes: number;
  /** The user's own quota, or null for the instance default. */
  quotaBytes: number | null;
  /** 'on' / 'off' once the 2FA tables exist; null until then (shown as "—"). */
  twoFactor: 'on' | 'off' | null;
}

export function rowToAdminUser(row: AdminUserRow, mailDomain: string, twoFactor: 'on' | 'off' | null): AdminUser {
  return {
    id: row.id,
    username: row.username,
    address: `${row.username}@${mailDomain}`,
    isAdmin: row.is_admin,
    disabled: row.disabled_at !== null,
    createdAt: row.created_at.toISOString(),
    lastSeenAt: row.last_seen_at?.toISOString() ?? null,
    messageCount: Number(row.message_count),
    storageBytes: Number(row.storage_bytes),
    quotaBytes: row.quota_bytes === null ? null : Number(row.quota_bytes),
    twoFactor,
  };
}

export async function listUsers(
  db: Db,
  settings: Pick<Settings, 'mailDomain'>,
  opts: { search?: string; limit: number; offset: number },
): Promise<AdminUser[]> {
  const rows = await listUsersWithStats(db, { ...opts, search: opts.search?.trim().toLowerCase() || undefined });
  const twoFactor = await twoFactorStates(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((row) => rowToAdminUser(row, settings.mailDomain, twoFactor.get(row.id) ?? null));
}

/** The account an admin names by username; NOT_FOUND otherwise. */
export async function userByUsername(db: Db, username: string): Promise<{ id: string; username: string; is_admin: boolean }> {
  const row = await findUserByUsername(db, username.trim().toLowerCase());
  if (!row) throw new AppError('NOT_FOUND', `There is no user ${username}.`);
  return row;
}

async function userById(db: Db, id: string) {
  const row = await findUserById(db, id);
  if (!row) throw new AppError('NOT_FOUND', 'That account does not exist.');
  return row;
}

/** `actor` null: the CLI, run by the operator. */
export type Actor = Account | null;

/** A disabled account can't sign in (its sessions end now) and its mail is refused with 550 5.2.1. */
export async function disableUser(db: Db, clock: Clock, actor: Actor, userId: string, ip: string | null = null): Promise<void> {
  const user = await userById(db, userId);
  if (actor && actor.id === userId) throw new AppError('INVALID_STATE', "You can't disable your own account.");
  if (user.is_admin) throw new AppError('INVALID_STATE', 'Demote this administrator before disabling the account.');
  const now = clock.now();
  await db.transaction().execute(async (trx) => {
    await setUserDisabled(trx, userId, now);
    await revokeAllSessions(trx, userId, now);
  });
  await auditAdminAction(db, actor, 'user.disabled', { target: user.username }, ip);
}

export async function enableUser(db: Db, actor: Actor, userId: string, ip: string | null = null): Promise<void> {
  const user = await userById(db, userId);
  await setUserDisabled(db, userId, null);
  await auditAdminAction(db, actor, 'user.enabled', { target: user.username }, ip);
}

export async function promoteUser(db: Db, actor: Actor, userId: string, ip: string | null = null): Promise<void> {
  const user = await userById(db, userId);
  if (user.disabled_at) throw new AppError('INVALID_STATE', 'Enable this account before making it an administrator.');
  await setUserAdmin(db, userId, true);
  await auditAdminAction(db, actor, 'user.promoted', { target: user.username }, ip);
}

/** The last enabled admin can't be demoted, by themselves or anyone. */
export async function demoteUser(db: Db, actor: Actor, userId: string, ip: string | null = null): Promise<void> {
  const user = await userById(db, userId);
  const result = await setUserAdmin(db, userId, false);
  if (result === 'not-found') throw new AppError('NOT_FOUND', 'That account does not exist.');
  if (result === 'last-admin') throw new AppError('INVALID_STATE', 'This is the last administrator. Make someone else an administrator first.');
  await auditAdminAction(db, actor, 'user.demoted', { target: user.username }, ip);
}

export async function deleteUser(
  db: Db,
  clock: Clock,
  settings: Pick<Settings, 'deletedUsernameHoldDays'>,
  actor: Actor,
  userId: string,
  ip: string | null = null,
): Promise<void> {
  if (actor && actor.id === userId) throw new AppError('INVALID_STATE', 'Delete your own account from Settings, with your password.');
  const { username } = await deleteAccount(db, clock, settings, userId, actor ? { kind: 'admin', adminId: actor.id } : { kind: 'cli' }, ip);
  await auditAdminAction(db, actor, 'user.deleted', { target: username }, ip);
}

/** `quotaBytes` null: back to the instance default. */
export async function setQuota(db: Db, actor: Actor, userId: string, quotaBytes: number | null, ip: string | null = null): Promise<void> {
  const user = await userById(db, userId);
  await setUserQuota(db, userId, quotaBytes);
  await auditAdminAction(db, actor, 'user.quota-set', { target: user.username, quotaBytes }, ip);
}

export interface Storage {
  usedBytes: number;
  /** The quota in force (own or default); null = no limit. */
  quotaBytes: number | null;
}

/** What the user sees in Settings: their usage against their quota. */
export async function storageOf(db: Db, settings: Pick<Settings, 'quotaBytes'>, userId: string): Promise<Storage> {
  const storage = await findStorage(db, userId);
  if (!storage) throw new AppError('NOT_FOUND', 'That account does not exist.');
  const quota = storage.quota ?? settings.quotaBytes;
  return { usedBytes: storage.used, quotaBytes: quota === 0 ? null : quota };
}
