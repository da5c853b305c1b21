import 'server-only';
import { sql } from 'kysely';
import type { Db } from '../client';
import type { UserPasskeyRow, UserTotpRow } from '../account-security-schema';

/** TOTP secrets (sealed by the caller), recovery code hashes, passkeys, and the session's second-factor state. */

export async function findTotp(db: Db, userId: string): Promise<UserTotpRow | undefined> {
  return db.selectFrom('user_totp').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

/** A new, not yet confirmed secret replaces any earlier unconfirmed one; a confirmed one stays. */
export async function stageTotp(db: Db, userId: string, secretSealed: Uint8Array): Promise<boolean> {
  const result = await db
    .insertInto('user_totp')
    .values({ user_id: userId, secret_sealed: secretSealed })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ secret_sealed: secretSealed, last_step: null }).where('user_totp.enabled_at', 'is', null))
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function enableTotp(db: Db, userId: string, step: number, now: Date): Promise<void> {
  await db.updateTable('user_totp').set({ enabled_at: now, last_step: step }).where('user_id', '=', userId).execute();
}

/** Records `step` as used, only if it is later than the last one: true when this use may pass. */
export async function claimTotpStep(db: Db, userId: string, step: number): Promise<boolean> {
  const result = await db
    .updateTable('user_totp')
    .set({ last_step: step })
    .where('user_id', '=', userId)
    .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', sql<string>`${step}`)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function deleteTotp(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('user_totp').where('user_id', '=', userId).execute();
}

export async function replaceRecoveryCodes(db: Db, userId: string, hashes: Uint8Array[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('user_recovery_codes').where('user_id', '=', userId).execute();
    if (hashes.length)
      await trx
        .insertInto('user_recovery_codes')
        .values(hashes.map((code_hash) => ({ user_id: userId, code_hash })))
        .execute();
  });
}

export async function deleteRecoveryCodes(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('user_recovery_codes').where('user_id', '=', userId).execute();
}

/** Marks the code used; false when it is unknown or already used. */
export async function useRecoveryCode(db: Db, userId: string, hash: Uint8Array, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('user_recovery_codes')
    .set({ used_at: now })
    .where('user_id', '=', userId)
    .where('code_hash', '=', hash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function countUnusedRecoveryCodes(db: Db, userId: string): Promise<number> {
  const row = await db
    .selectFrom('user_recovery_codes')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function listPasskeys(db: Db, userId: string): Promise<UserPasskeyRow[]> {
  return db.selectFrom('user_passkeys').selectAll().where('user_id', '=', userId).orderBy('created_at').execute();
}

export async function findPasskey(db: Db, userId: string, credentialId: string): Promise<UserPasskeyRow | undefined> {
  return db.selectFrom('user_passkeys').selectAll().where('user_id', '=', userId).where('credential_id', '=', credentialId).executeTakeFirst();
}

export async function insertPasskey(
  db: Db,
  row: { user_id: string; credential_id: string; public_key: Uint8Array; counter: number; transports: string[]; name: string },
): Promise<void> {
  await db
    .insertInto('user_passkeys')
    .values({ ...row, transports: JSON.stringify(row.transports) })
    .execute();
}

export async function notePasskeyUse(db: Db, id: string, counter: number, now: Date): Promise<void> {
  await db.updateTable('user_passkeys').set({ counter, last_used_at: now }).where('id', '=', id).execute();
}

export async function deletePasskey(db: Db, userId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('user_passkeys').where('user_id', '=', userId).where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function deleteAllPasskeys(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('user_passkeys').where('user_id', '=', userId).execute();
}

/** Whether the user has any confirmed second factor. */
export async function hasSecondFactor(db: Db, userId: string): Promise<{ totp: boolean; passkeys: number }> {
  const [totp, passkeys] = await Promise.all([
    db.selectFrom('user_totp').select('user_id').where('user_id', '=', userId).where('enabled_at', 'is not', null).executeTakeFirst(),
    db
      .selectFrom('user_passkeys')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow(),
  ]);
  return { totp: totp !== undefined, passkeys: Number(passkeys.n) };
}

/** For many users in one query: who has a confirmed authenticator app or a passkey. */
export async function usersWithSecondFactor(db: Db, userIds: string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('user_totp')
    .select('user_id')
    .where('user_id', 'in', userIds)
    .where('enabled_at', 'is not', null)
    .union(db.selectFrom('user_passkeys').select('user_id').where('user_id', 'in', userIds))
    .execute();
  return new Set(rows.map((r) => r.user_id));
}

export async function setSessionChallenge(db: Db, sessionId: string, challenge: string | null): Promise<void> {
  await db.updateTable('sessions').set({ webauthn_challenge: challenge }).where('id', '=', sessionId).execute();
}

/** The second factor passed: the session becomes a full one. */
export async function completeSecondFactor(db: Db, sessionId: string, expiresAt: Date): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ second_factor_pending: false, two_factor_gated_at: null, webauthn_challenge: null, second_factor_failures: 0, expires_at: expiresAt })
    .where('id', '=', sessionId)
    .execute();
}

/** One more wrong code on this session; returns the new count. */
export async function noteSecondFactorFailure(db: Db, sessionId: string): Promise<number> {
  const row = await db
    .updateTable('sessions')
    .set((eb) => ({ second_factor_failures: eb('second_factor_failures', '+', 1) }))
    .where('id', '=', sessionId)
    .returning('second_factor_failures')
    .executeTakeFirst();
  return row?.second_factor_failures ?? 0;
}

export async function updateDisplayName(db: Db, userId: string, displayName: string | null): Promise<void> {
  await db.updateTable('users').set({ display_name: displayName, updated_at: new Date() }).where('id', '=', userId).execute();
}

export async function updateRecoveryMaterial(
  db: Db,
  userId: string,
  material: { recovery_salt: Uint8Array; recovery_auth_hash: string; recovery_wrapped_key: Uint8Array },
): Promise<void> {
  await db
    .updateTable('users')
    .set({ ...material, updated_at: new Date() })
    .where('id', '=', userId)
    .execute();
}

/** A new primary key: its public half, the keyring wrapped under the password, and the new phrase's copy. */
export async function replaceAccountKey(
  db: Db,
  userId: string,
  material: { public_key: string; wrapped_key: Uint8Array; recovery_salt: Uint8Array; recovery_auth_hash: string; recovery_wrapped_key: Uint8Array },
): Promise<void> {
  await db
    .updateTable('users')
    .set({ ...material, updated_at: new Date() })
    .where('id', '=', userId)
    .execute();
}

/** Ends every session of the user but `keep`: after a password change, the others sign in again. */
export async function revokeOtherSessions(db: Db, userId: string, keep: string, now: Date): Promise<number> {
  const result = await db
    .updateTable('sessions')
    .set({ revoked_at: now, client_key: new Uint8Array(0) })
    .where('user_id', '=', userId)
    .where('id', '!=', keep)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Live full sessions of users with no second factor (of `userId` only, when given) go back to the
 * enrolment gate: from their next request they are password-only sessions that may only enrol.
 */
export async function gateSessionsWithoutSecondFactor(db: Db, now: Date, userId?: string): Promise<number> {
  let query = db
    .updateTable('sessions')
    .set({ second_factor_pending: true, two_factor_gated_at: now })
    .where('second_factor_pending', '=', false)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .where('user_id', 'not in', (eb) => eb.selectFrom('user_totp').select('user_id').where('enabled_at', 'is not', null))
    .where('user_id', 'not in', (eb) => eb.selectFrom('user_passkeys').select('user_id'));
  if (userId) query = query.where('user_id', '=', userId);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The requirement is off again: gated sessions had passed sign-in, so they are full sessions again. */
export async function liftSessionGates(db: Db): Promise<number> {
  const result = await db
    .updateTable('sessions')
    .set({ second_factor_pending: false, two_factor_gated_at: null })
    .where('two_factor_gated_at', 'is not', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
