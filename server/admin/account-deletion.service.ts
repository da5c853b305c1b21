import 'server-only';
import type { Db } from '../../db/client';
import { countOtherActiveAdmins, deleteUserRow, retireUsername } from '../../db/repositories/admin-user.repository';
import { insertAuditEvent } from '../../db/repositories/audit.repository';
import { findUserById } from '../../db/repositories/user.repository';
import { verifySecret } from '../auth/secret-hash';
import { checkSignInLimits, noteFailure } from '../auth/throttle.service';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { Settings } from '../settings';

const DAY_MS = 24 * 60 * 60 * 1000;

export type DeletedBy = { kind: 'self' } | { kind: 'admin'; adminId: string } | { kind: 'cli' };

/**
 * The one way an account is deleted: by its owner (Settings, with the password), by an admin, or
 * by the CLI. Messages, keys, addresses, aliases, domains, sessions and queued mail go with the
 * user row (ON DELETE CASCADE), in one transaction that also holds the username back for
 * DELETED_USERNAME_HOLD_DAYS, so mail still addressed to it can't reach someone who takes it next.
 * An audit event remains, with the username and who deleted it, and nothing of the content.
 */
export async function deleteAccount(
  db: Db,
  clock: Clock,
  settings: Pick<Settings, 'deletedUsernameHoldDays'>,
  userId: string,
  by: DeletedBy,
  ip: string | null = null,
): Promise<{ username: string }> {
  const user = await findUserById(db, userId);
  if (!user) throw new AppError('NOT_FOUND', 'That account does not exist.');
  if (user.is_admin && (await countOtherActiveAdmins(db, userId)) === 0) {
    throw new AppError('INVALID_STATE', 'This is the last administrator. Make someone else an administrator first.');
  }
  const now = clock.now();
  const deleted = await db.transaction().execute(async (trx) => {
    const row = await deleteUserRow(trx, userId);
    if (!row) return undefined;
    await retireUsername(trx, row.username, new Date(now.getTime() + settings.deletedUsernameHoldDays * DAY_MS));
    return row;
  });
  if (!deleted) throw new AppError('NOT_FOUND', 'That account does not exist.');
  await insertAuditEvent(db, {
    event: 'account.deleted',
    user_id: by.kind === 'admin' ? by.adminId : null,
    ip,
    details: { username: deleted.username, by: by.kind },
  });
  return deleted;
}

/** Self-service: the browser proves the password (its authKey) before the account goes. */
export async function deleteOwnAccount(
  db: Db,
  clock: Clock,
  settings: Pick<Settings, 'deletedUsernameHoldDays'>,
  userId: string,
  authKey: string,
  ip: string | null,
): Promise<void> {
  const user = await findUserById(db, userId);
  if (!user) throw new AppError('NOT_FOUND', 'That account does not exist.');
  await checkSignInLimits(db, clock, user.username, ip);
  if (!(await verifySecret(user.auth_hash, Buffer.from(authKey, 'base64')))) {
    await noteFailure(db, clock, user.username);
    await insertAuditEvent(db, { event: 'account.delete-failed', user_id: user.id, ip, details: { reason: 'wrong-password' } });
    throw new AppError('INVALID_CREDENTIALS', 'That is not your password. Your account was not deleted.', { field: 'password' });
  }
  await deleteAccount(db, clock, settings, userId, { kind: 'self' }, ip);
}
