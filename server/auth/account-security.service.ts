import 'server-only';
import type { z } from 'zod';
import type { KdfDescriptor } from '../../crypto/account';
import type { Db } from '../../db/client';
import { revokeOtherSessions, updateDisplayName, updateRecoveryMaterial } from '../../db/repositories/account-security.repository';
import { insertAuditEvent } from '../../db/repositories/audit.repository';
import { findUserById, updatePasswordMaterial } from '../../db/repositories/user.repository';
import type { UserRow } from '../../db/schema';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { changePasswordSchema, newRecoverySchema } from './account-security.schemas';
import { hashSecret, verifySecret } from './secret-hash';
import type { CurrentSession } from './current-session';
import { checkSignInLimits, noteFailure, noteSuccess } from './throttle.service';

/**
 * Changes a signed-in user makes to their own account: password, recovery phrase, display name.
 * The browser does the key work (crypto/account.ts); the server checks the current password's
 * authKey first, under the same throttle as sign-in, and swaps the stored material.
 */
const b64 = (s: string) => Buffer.from(s, 'base64');

export async function passwordKdf(db: Db, session: CurrentSession): Promise<KdfDescriptor> {
  const row = await ownRow(db, session);
  return { salt: Buffer.from(row.kdf_salt).toString('base64'), opslimit: row.kdf_opslimit, memlimit: row.kdf_memlimit };
}

async function ownRow(db: Db, session: CurrentSession): Promise<UserRow> {
  const row = await findUserById(db, session.account.id);
  if (!row) throw new AppError('UNAUTHORIZED', 'Your account no longer exists.');
  return row;
}

/** The current password, proven by its authKey; wrong answers count like failed sign-ins. */
async function proveCurrentPassword(db: Db, clock: Clock, row: UserRow, authKey: string, ip: string | null): Promise<void> {
  await checkSignInLimits(db, clock, row.username, ip);
  if (!(await verifySecret(row.auth_hash, b64(authKey)))) {
    await noteFailure(db, clock, row.username);
    await insertAuditEvent(db, { event: 'password.check-failed', user_id: row.id, ip });
    throw new AppError('INVALID_CREDENTIALS', 'Your current password is not right.', { field: 'currentPassword' });
  }
  await noteSuccess(db, row.username, ip);
}

/**
 * The key, re-wrapped under the new password, replaces the old wrap. Every other session ends;
 * this one stays (its browser re-seals its copy). The recovery copy wraps the same private key
 * under the phrase, so it stays valid untouched.
 */
export async function changePassword(
  db: Db,
  clock: Clock,
  session: CurrentSession,
  input: z.infer<typeof changePasswordSchema>,
  ip: string | null,
): Promise<{ otherSessionsEnded: number }> {
  const row = await ownRow(db, session);
  await proveCurrentPassword(db, clock, row, input.currentAuthKey, ip);
  const authHash = await hashSecret(b64(input.authKey));
  const ended = await db.transaction().execute(async (trx) => {
    await updatePasswordMaterial(trx, row.id, {
      kdf_salt: b64(input.kdf.salt),
      kdf_opslimit: input.kdf.opslimit,
      kdf_memlimit: input.kdf.memlimit,
      auth_hash: authHash,
      wrapped_key: b64(input.wrappedKey),
    });
    return revokeOtherSessions(trx, row.id, session.sessionId, clock.now());
  });
  await insertAuditEvent(db, { event: 'password.changed', user_id: row.id, ip, details: { otherSessionsEnded: ended } });
  return { otherSessionsEnded: ended };
}

/** A new phrase's wrap replaces the old one: the old phrase opens nothing from now on. */
export async function replaceRecoveryPhrase(db: Db, clock: Clock, session: CurrentSession, input: z.infer<typeof newRecoverySchema>, ip: string | null) {
  const row = await ownRow(db, session);
  await proveCurrentPassword(db, clock, row, input.currentAuthKey, ip);
  await updateRecoveryMaterial(db, row.id, {
    recovery_salt: b64(input.recovery.kdf.salt),
    recovery_auth_hash: await hashSecret(b64(input.recovery.authKey)),
    recovery_wrapped_key: b64(input.recovery.wrappedKey),
  });
  await insertAuditEvent(db, { event: 'recovery-phrase.replaced', user_id: row.id, ip });
}

/** Checks the current password for actions that need it again (turning 2FA off). */
export async function confirmPassword(db: Db, clock: Clock, session: CurrentSession, authKey: string, ip: string | null): Promise<void> {
  await proveCurrentPassword(db, clock, await ownRow(db, session), authKey, ip);
}

export async function displayName(db: Db, session: CurrentSession): Promise<string | null> {
  return (await ownRow(db, session)).display_name;
}

export async function setDisplayName(db: Db, session: CurrentSession, name: string | null): Promise<void> {
  await updateDisplayName(db, session.account.id, name);
}
