import { sql } from 'kysely';
import { Secret, TOTP } from 'otpauth';
import { describe, expect, it } from 'vitest';
import { deriveFromPassword, prepareRecovery, rewrapForPassword } from '../../crypto/account';
import { findActiveSession } from '../../db/repositories/session.repository';
import { writeInstanceSetting } from '../../db/repositories/instance-settings.repository';
import { useTestDb } from '../../testing/db';
import { twoFactorStates } from '../admin/two-factor-hook';
import { appError } from '../../testing/errors';
import { createTestUser } from '../../testing/factories';
import type { Clock } from '../clock';
import type { CurrentSession } from './current-session';
import { changePassword, replaceRecoveryPhrase } from './account-security.service';
import { preLogin, recoveryParams, recoveryUnlock, rowToAccount, signIn } from './account.service';
import { findUserById } from '../../db/repositories/user.repository';
import {
  MAX_SECOND_FACTOR_FAILURES,
  SECOND_FACTOR_LIMIT,
  SECOND_FACTOR_WAIT_MS,
  beginTotp,
  confirmTotp,
  disableTotp,
  resetTwoFactor,
  stageAfterPassword,
  twoFactorOverview,
  verifySecondFactorCode,
} from './two-factor.service';
import { deriveFromPhrase } from '../../crypto/account';

const db = useTestDb();
const realClock: Clock = { now: () => new Date() };
const ip = '192.0.2.77';

const codeAt = (secret: string, at: Date) => new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: at.getTime() });

async function authKeyFor(username: string, password: string) {
  return (await deriveFromPassword(password, await preLogin(db, username))).authKey;
}

async function signInAs(user: { username: string; password: string }) {
  return signIn(db, realClock, 'localhost', { username: user.username, authKey: await authKeyFor(user.username, user.password), ip, userAgent: 'vitest' });
}

async function withTotp() {
  const user = await createTestUser(db);
  const { secret } = await beginTotp(db, user.account.id, user.account.address);
  const t0 = new Date();
  const { recoveryCodes } = await confirmTotp(db, { now: () => t0 }, user.account.id, codeAt(secret, t0), ip);
  return { user, secret, recoveryCodes, t0 };
}

async function currentSession(userId: string, sessionId: string): Promise<CurrentSession> {
  const row = (await findUserById(db, userId))!;
  return { sessionId, account: rowToAccount(row, 'localhost'), clientKey: new Uint8Array(32) };
}

describe('TOTP', () => {
  it('stores the secret sealed, issues ten hashed recovery codes, and makes sign-in wait for a code', async () => {
    const { user, secret, recoveryCodes } = await withTotp();
    expect(recoveryCodes).toHaveLength(10);
    const { rows } = await sql<{
      dump: string;
    }>`SELECT row_to_json(t)::text || (SELECT json_agg(c)::text FROM user_recovery_codes c WHERE c.user_id = t.user_id) AS dump FROM user_totp t WHERE user_id = ${user.account.id}`.execute(
      db,
    );
    expect(rows[0]!.dump).not.toContain(secret);
    expect(rows[0]!.dump).not.toContain(Buffer.from(secret).toString('hex'));
    for (const code of recoveryCodes) expect(rows[0]!.dump).not.toContain(code.replace('-', ''));

    const { sessionId } = await signInAs(user);
    expect((await findActiveSession(db, sessionId, new Date()))!.second_factor_pending).toBe(true);
    const later = new Date(Date.now() + 60_000); // a later step than the one enrolment used
    await verifySecondFactorCode(db, { now: () => later }, { sessionId, userId: user.account.id }, codeAt(secret, later), ip);
    expect((await findActiveSession(db, sessionId, new Date()))!.second_factor_pending).toBe(false);

    // The same code again, on another sign-in: refused, it was used.
    const second = await signInAs(user);
    const replay = await appError(
      verifySecondFactorCode(db, { now: () => later }, { sessionId: second.sessionId, userId: user.account.id }, codeAt(secret, later), ip),
    );
    expect(replay.code).toBe('INVALID_CREDENTIALS');
  });

  it('takes each recovery code once', async () => {
    const { user, recoveryCodes } = await withTotp();
    const a = await signInAs(user);
    await verifySecondFactorCode(db, realClock, { sessionId: a.sessionId, userId: user.account.id }, recoveryCodes[0]!.toUpperCase(), ip);
    expect((await findActiveSession(db, a.sessionId, new Date()))!.second_factor_pending).toBe(false);
    const b = await signInAs(user);
    expect((await appError(verifySecondFactorCode(db, realClock, { sessionId: b.sessionId, userId: user.account.id }, recoveryCodes[0]!, ip))).code).toBe(
      'INVALID_CREDENTIALS',
    );
  });

  it(`ends the session after ${MAX_SECOND_FACTOR_FAILURES} wrong codes`, async () => {
    const { user } = await withTotp();
    const { sessionId } = await signInAs(user);
    const pending = { sessionId, userId: user.account.id };
    for (let i = 1; i < MAX_SECOND_FACTOR_FAILURES; i++)
      expect((await appError(verifySecondFactorCode(db, realClock, pending, '000000', ip))).code).toBe('INVALID_CREDENTIALS');
    expect((await appError(verifySecondFactorCode(db, realClock, pending, '000000', ip))).code).toBe('UNAUTHORIZED');
    expect(await findActiveSession(db, sessionId, new Date())).toBeUndefined();
  });

  it(`stops second factors for the account after ${SECOND_FACTOR_LIMIT.perUser} wrong ones, across sessions, even the right code`, async () => {
    const { user, secret } = await withTotp();
    let wrong = 0;
    while (wrong < SECOND_FACTOR_LIMIT.perUser) {
      const { sessionId } = await signInAs(user);
      for (let i = 0; i < MAX_SECOND_FACTOR_FAILURES - 1 && wrong < SECOND_FACTOR_LIMIT.perUser; i++, wrong++) {
        await appError(verifySecondFactorCode(db, realClock, { sessionId, userId: user.account.id }, '000000', ip));
      }
    }
    const { sessionId } = await signInAs(user);
    const later = new Date(Date.now() + 30_000);
    const refused = await appError(verifySecondFactorCode(db, { now: () => later }, { sessionId, userId: user.account.id }, codeAt(secret, later), ip));
    expect(refused.code).toBe('THROTTLED');
    expect(refused.message).toMatch(/^Too many wrong codes for this account\. Try again in \d+ minutes?\.$/);
    // After the window, the right code gets in again.
    const afterWindow = new Date(Date.now() + SECOND_FACTOR_LIMIT.windowMs + 60_000);
    await verifySecondFactorCode(db, { now: () => afterWindow }, { sessionId, userId: user.account.id }, codeAt(secret, afterWindow), ip);
  });

  it('gives a session waiting for its second factor minutes, and the full lifetime once it passes', async () => {
    const { user, secret } = await withTotp();
    const { sessionId } = await signInAs(user);
    const waiting = (await findActiveSession(db, sessionId, new Date()))!;
    expect(waiting.expires_at.getTime() - Date.now()).toBeLessThanOrEqual(SECOND_FACTOR_WAIT_MS);
    expect(await findActiveSession(db, sessionId, new Date(Date.now() + SECOND_FACTOR_WAIT_MS + 1000))).toBeUndefined();
    const later = new Date(Date.now() + 30_000);
    await verifySecondFactorCode(db, { now: () => later }, { sessionId, userId: user.account.id }, codeAt(secret, later), ip);
    expect((await findActiveSession(db, sessionId, new Date()))!.expires_at.getTime() - Date.now()).toBeGreaterThan(29 * 24 * 3600 * 1000);
  });

  it('refuses a wrong first code at enrolment, and turning off restores password-only sign-in', async () => {
    const user = await createTestUser(db);
    await beginTotp(db, user.account.id, user.account.address);
    expect((await appError(confirmTotp(db, realClock, user.account.id, '000000', ip))).details).toEqual({ field: 'code' });
    expect(await stageAfterPassword(db, user.account.id)).toBe('none');
    const { user: other } = await withTotp();
    expect(await stageAfterPassword(db, other.account.id)).toBe('verify');
    // What the admin console's user list shows.
    expect(await twoFactorStates(db, [user.account.id, other.account.id])).toEqual(
      new Map([
        [user.account.id, 'off'],
        [other.account.id, 'on'],
      ]),
    );
    await disableTotp(db, other.account.id, ip);
    expect(await stageAfterPassword(db, other.account.id)).toBe('none');
    // The operator's reset (`cli user reset-2fa`) takes every factor and code away.
    const { user: third, recoveryCodes } = await withTotp();
    await resetTwoFactor(db, third.account.id, 'cli');
    expect(await stageAfterPassword(db, third.account.id)).toBe('none');
    expect(await twoFactorOverview(db, third.account.id)).toMatchObject({ totp: false, passkeys: 0, recoveryCodesLeft: 0 });
    expect(recoveryCodes).toHaveLength(10);
  });

  it('sends a user without 2FA to enrol when the instance requires it (in a rolled-back transaction: the setting is global)', async () => {
    const user = await createTestUser(db);
    await db
      .transaction()
      .execute(async (trx) => {
        await writeInstanceSetting(trx, 'require_two_factor', true, null, new Date());
        expect(await stageAfterPassword(trx, user.account.id)).toBe('enrol');
        throw new Error('rollback');
      })
      .catch((err: Error) => expect(err.message).toBe('rollback'));
    expect(await stageAfterPassword(db, user.account.id)).toBe('none');
  });
});

describe('password change and new recovery phrase', () => {
  it('needs the current password, ends the other sessions, keeps the recovery copy valid', async () => {
    const user = await createTestUser(db);
    const keep = await signInAs(user);
    const other = await signInAs(user);
    const next = await rewrapForPassword(user.username, 'a-new-password-123', user.privateKeyArmored);
    const session = await currentSession(user.account.id, keep.sessionId);
    const wrong = await appError(
      changePassword(db, realClock, session, { currentAuthKey: await authKeyFor(user.username, 'not-it-at-all'), ...next.payload }, ip),
    );
    expect(wrong.code).toBe('INVALID_CREDENTIALS');
    const result = await changePassword(db, realClock, session, { currentAuthKey: await authKeyFor(user.username, user.password), ...next.payload }, ip);
    expect(result.otherSessionsEnded).toBe(1);
    expect(await findActiveSession(db, other.sessionId, new Date())).toBeUndefined();
    expect(await findActiveSession(db, keep.sessionId, new Date())).toBeDefined();
    expect((await appError(signInAs(user))).code).toBe('INVALID_CREDENTIALS');
    await signInAs({ username: user.username, password: 'a-new-password-123' });
    // The old phrase still opens the recovery copy.
    const derived = await deriveFromPhrase(user.phrase, await recoveryParams(db, user.username));
    if (derived.status !== 'ok') throw new Error('phrase');
    await recoveryUnlock(db, realClock, { username: user.username, recoveryAuthKey: derived.authKey, ip });
  });

  it('a new phrase replaces the old one', async () => {
    const user = await createTestUser(db);
    const { sessionId } = await signInAs(user);
    const { phrase, recovery } = await prepareRecovery(user.username, user.privateKeyArmored);
    await replaceRecoveryPhrase(
      db,
      realClock,
      await currentSession(user.account.id, sessionId),
      { currentAuthKey: await authKeyFor(user.username, user.password), recovery },
      ip,
    );
    const old = await deriveFromPhrase(user.phrase, await recoveryParams(db, user.username));
    const fresh = await deriveFromPhrase(phrase, await recoveryParams(db, user.username));
    if (old.status !== 'ok' || fresh.status !== 'ok') throw new Error('phrase');
    expect((await appError(recoveryUnlock(db, realClock, { username: user.username, recoveryAuthKey: old.authKey, ip }))).code).toBe('INVALID_CREDENTIALS');
    await recoveryUnlock(db, realClock, { username: user.username, recoveryAuthKey: fresh.authKey, ip });
  });
});
