import { Secret, TOTP } from 'otpauth';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/client';
import { deriveFromPassword } from '../../crypto/account';
import { completeSecondFactor } from '../../db/repositories/account-security.repository';
import { findActiveSession } from '../../db/repositories/session.repository';
import { useIsolatedDb } from '../../testing/outbound/isolated-db';
import { createTestUser } from '../../testing/factories';
import type { Clock } from '../clock';
import { preLogin, signIn } from './account.service';
import { setRequireTwoFactor } from './instance-policy.service';
import { SESSION_LIFETIME_MS } from './session-lifetime';
import { beginTotp, confirmTotp, resetTwoFactor, stageAfterPassword } from './two-factor.service';

/**
 * An admin turns on "require 2FA for everyone": sessions already open for users without a second
 * factor go to the enrolment gate (password-only: no keyring, no mail) at their next request, and
 * leave it by enrolling, or when the requirement is turned off again. Users with 2FA are untouched.
 */
// A database of its own: requiring 2FA gates every session in the database it is turned on in, and
// other files, signing in at the same time, share the run's database.
const isolated = useIsolatedDb();
let db: Db;
beforeAll(() => {
  db = isolated.db();
});
const clock: Clock = { now: () => new Date() };
const ip = '192.0.2.15';

async function fullSession(user: { username: string; password: string }) {
  const { authKey } = await deriveFromPassword(user.password, await preLogin(db, user.username));
  const { sessionId } = await signIn(db, clock, 'localhost', { username: user.username, authKey, ip, userAgent: 'vitest' });
  return sessionId;
}

const pending = async (sessionId: string) => (await findActiveSession(db, sessionId, new Date()))?.second_factor_pending;

describe('requiring 2FA with sessions open', () => {
  it('gates the sessions of users without a factor until they enrol, and lifts the gate when the requirement goes', async () => {
    const [without, withTotp] = await Promise.all([createTestUser(db), createTestUser(db)]);
    const { secret } = await beginTotp(db, withTotp.account.id, withTotp.account.address);
    const t0 = new Date();
    await confirmTotp(db, { now: () => t0 }, withTotp.account.id, new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: t0.getTime() }), ip);
    const open = await fullSession(without);
    const other = await fullSession(without);
    // withTotp's full session: signed in with both factors (completeSecondFactor, as verifyCode does).
    const protectedSession = await fullSession(withTotp);
    await completeSecondFactor(db, protectedSession, new Date(Date.now() + SESSION_LIFETIME_MS));
    expect([await pending(open), await pending(other), await pending(protectedSession)]).toEqual([false, false, false]);

    const on = await setRequireTwoFactor(db, true, withTotp.account.id, new Date());
    expect(on.sessionsChanged).toBeGreaterThanOrEqual(2);
    expect([await pending(open), await pending(other), await pending(protectedSession)]).toEqual([true, true, false]);
    expect(await stageAfterPassword(db, without.account.id)).toBe('enrol');

    // Off again: they had passed sign-in, so they work again. On again: gated again.
    await setRequireTwoFactor(db, false, withTotp.account.id, new Date());
    expect([await pending(open), await pending(other)]).toEqual([false, false]);
    await setRequireTwoFactor(db, true, withTotp.account.id, new Date());
    expect(await pending(open)).toBe(true);

    // Enrolling from the gate completes that session (the router's finishEnrolSignIn), which stays
    // full when the requirement is later lifted and set again; the user's other tab still waits.
    const enrol = await beginTotp(db, without.account.id, without.account.address);
    const t1 = new Date();
    await confirmTotp(
      db,
      { now: () => t1 },
      without.account.id,
      new TOTP({ secret: Secret.fromBase32(enrol.secret) }).generate({ timestamp: t1.getTime() }),
      ip,
    );
    await completeSecondFactor(db, open, new Date(Date.now() + SESSION_LIFETIME_MS));
    expect([await pending(open), await pending(other)]).toEqual([false, true]);

    // An operator's 2FA reset while the requirement holds sends the user's open sessions to the gate.
    await resetTwoFactor(db, without.account.id, 'cli');
    expect(await pending(open)).toBe(true);
    await setRequireTwoFactor(db, false, withTotp.account.id, new Date());
    expect([await pending(open), await pending(other), await pending(protectedSession)]).toEqual([false, false, false]);
  }, 120_000);
});
