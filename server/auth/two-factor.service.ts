import 'server-only';
import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';
import type { Db } from '../../db/client';
import {
  claimTotpStep,
  completeSecondFactor,
  countUnusedRecoveryCodes,
  deleteAllPasskeys,
  deleteRecoveryCodes,
  deleteTotp,
  enableTotp,
  findTotp,
  gateSessionsWithoutSecondFactor,
  hasSecondFactor,
  noteSecondFactorFailure,
  replaceRecoveryCodes,
  stageTotp,
  useRecoveryCode,
} from '../../db/repositories/account-security.repository';
import { insertAuditEvent } from '../../db/repositories/audit.repository';
import { revokeSession } from '../../db/repositories/session.repository';
import { incrementCounter, readCounters } from '../../db/repositories/throttle.repository';
import type { Clock } from '../clock';
import { openAtRest, sealAtRest } from '../secrets';
import { AppError } from '../errors';
import { keyedHash } from '../secrets';
import { requireTwoFactor } from './instance-policy.service';
import { SESSION_LIFETIME_MS } from './session-lifetime';
import { retryMessage } from './throttle.service';

/**
 * The second factor: TOTP (RFC 6238, 30-second steps, 6 digits), single-use recovery codes, and the
 * gate a password-only session waits at. Passkeys live in passkey.service.ts and share the gate.
 */
const TOTP_PURPOSE = 'totp-secret';

const PERIOD = 30;
export const RECOVERY_CODE_COUNT = 10;
/** Wrong codes one password-only session may try before it must start over with the password. */
export const MAX_SECOND_FACTOR_FAILURES = 5;
/**
 * Wrong second factors one account may take, from all its sessions, per window. Whoever knows the
 * password can open session after session; this caps their guesses at a code (3 in a million each)
 * to about a thousand a day. The owner, locked out meanwhile, still has the window's end.
 */
export const SECOND_FACTOR_LIMIT = { perUser: 10, windowMs: 15 * 60 * 1000 };
/** How long a password-only session may wait for its second factor. */
export const SECOND_FACTOR_WAIT_MS = 10 * 60 * 1000;

const failureKey = (userId: string) => `2fa:user:${userId}`;

/** THROTTLED while the account is over its second-factor failures; before any code is looked at. */
export async function assertSecondFactorAllowed(db: Db, clock: Clock, userId: string): Promise<void> {
  const now = clock.now();
  const counter = (await readCounters(db, [failureKey(userId)], now, SECOND_FACTOR_LIMIT.windowMs)).get(failureKey(userId));
  if (counter && counter.count >= SECOND_FACTOR_LIMIT.perUser) {
    throw new AppError('THROTTLED', retryMessage(counter.windowEndsAt, now, 'Too many wrong codes for this account.'), {
      retryAt: counter.windowEndsAt.toISOString(),
    });
  }
}

function totpFor(secretBase32: string, label: string) {
  return new TOTP({ issuer: 'Sealpost', label, algorithm: 'SHA1', digits: 6, period: PERIOD, secret: Secret.fromBase32(secretBase32) });
}

/** The step the code belongs to (now ±1 step for clock drift), or null when it is wrong. */
function matchStep(secretBase32: string, code: string, now: Date): number | null {
  const delta = totpFor(secretBase32, 'x').validate({ token: code, timestamp: now.getTime(), window: 1 });
  return delta === null ? null : Math.floor(now.getTime() / 1000 / PERIOD) + delta;
}

/** `require_two_factor` in instance_settings, the admin console's switch (instance-policy.service.ts). */
export const twoFactorRequired = requireTwoFactor;

export type SignInStage = 'none' | 'verify' | 'enrol';

/** After the password: nothing more, a second factor to verify, or (required but absent) one to enrol. */
export async function stageAfterPassword(db: Db, userId: string): Promise<SignInStage> {
  const factors = await hasSecondFactor(db, userId);
  if (factors.totp || factors.passkeys > 0) return 'verify';
  return (await twoFactorRequired(db)) ? 'enrol' : 'none';
}

// Recovery codes: 10 characters of an alphabet without look-alikes (50 bits), shown as xxxxx-xxxxx.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

function newRecoveryCode(): string {
  const bytes = randomBytes(10);
  const chars = Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

export function normalizeRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[^a-z0-9]/g, '');
}

const hashRecoveryCode = (code: string) => keyedHash('recovery-code', normalizeRecoveryCode(code));

/** Ten new codes replace any earlier ones; only their keyed hashes are stored. */
export async function issueRecoveryCodes(db: Db, userId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await replaceRecoveryCodes(db, userId, codes.map(hashRecoveryCode));
  return codes;
}

export async function regenerateRecoveryCodes(db: Db, userId: string, ip: string | null): Promise<string[]> {
  const factors = await hasSecondFactor(db, userId);
  if (!factors.totp && factors.passkeys === 0) throw new AppError('INVALID_STATE', 'Turn on two-factor authentication first.');
  const codes = await issueRecoveryCodes(db, userId);
  await insertAuditEvent(db, { event: '2fa.recovery-codes.issued', user_id: userId, ip });
  return codes;
}

export interface TotpEnrolment {
  secret: string;
  uri: string;
  qrSvg: string;
}

/** A fresh secret awaiting its first code; confirming it turns TOTP on. */
export async function beginTotp(db: Db, userId: string, label: string): Promise<TotpEnrolment> {
  const existing = await findTotp(db, userId);
  if (existing?.enabled_at) throw new AppError('INVALID_STATE', 'An authenticator app is already set up. Turn it off first to set up another.');
  const secret = new Secret({ size: 20 }).base32;
  await stageTotp(db, userId, sealAtRest(secret, TOTP_PURPOSE));
  const uri = totpFor(secret, label).toString();
  const qrSvg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
  return { secret, uri, qrSvg };
}

/** The first code proves the app holds the secret: TOTP is on, and ten recovery codes are issued. */
export async function confirmTotp(db: Db, clock: Clock, userId: string, code: string, ip: string | null): Promise<{ recoveryCodes: string[] }> {
  const row = await findTotp(db, userId);
  if (!row || row.enabled_at) throw new AppError('INVALID_STATE', 'Start the set-up again: no authenticator app is waiting for a code.');
  const step = matchStep(openAtRest(row.secret_sealed, TOTP_PURPOSE), code, clock.now());
  if (step === null) throw new AppError('BAD_INPUT', 'That code is not right. Check the time on your phone and enter the current code.', { field: 'code' });
  await enableTotp(db, userId, step, clock.now());
  const recoveryCodes = await issueRecoveryCodes(db, userId);
  await insertAuditEvent(db, { event: '2fa.enabled', user_id: userId, ip, details: { method: 'totp' } });
  return { recoveryCodes };
}

/** Off, unless the instance requires 2FA and no passkey would remain. Recovery codes go with the last factor. */
export async function disableTotp(db: Db, userId: string, ip: string | null): Promise<void> {
  const factors = await hasSecondFactor(db, userId);
  if (!factors.totp) throw new AppError('INVALID_STATE', 'No authenticator app is set up.');
  if (factors.passkeys === 0 && (await twoFactorRequired(db))) {
    throw new AppError('FORBIDDEN', 'This server requires two-factor authentication. Add a passkey before turning the authenticator app off.');
  }
  await deleteTotp(db, userId);
  if (factors.passkeys === 0) await deleteRecoveryCodes(db, userId);
  await insertAuditEvent(db, { event: '2fa.disabled', user_id: userId, ip, details: { method: 'totp' } });
}

/**
 * The operator's way back in for a user who lost every factor and every recovery code (or after a
 * new SECRET_KEY): every second factor goes, and sign-in needs the password alone again.
 */
export async function resetTwoFactor(db: Db, userId: string, by: 'cli' | string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await deleteTotp(trx, userId);
    await deleteAllPasskeys(trx, userId);
    await deleteRecoveryCodes(trx, userId);
    // Without a factor while one is required, the user's open sessions go to the enrolment gate.
    if (await twoFactorRequired(trx)) await gateSessionsWithoutSecondFactor(trx, new Date(), userId);
  });
  await insertAuditEvent(db, { event: '2fa.reset', user_id: userId, details: { by } });
}

/** What the settings page shows: never the secret, never a code. */
export async function twoFactorOverview(db: Db, userId: string) {
  const [factors, recoveryCodesLeft, required] = await Promise.all([hasSecondFactor(db, userId), countUnusedRecoveryCodes(db, userId), twoFactorRequired(db)]);
  return { totp: factors.totp, passkeys: factors.passkeys, recoveryCodesLeft, required };
}

/**
 * A 6-digit TOTP code or a recovery code for a password-only session. Right: the session becomes a
 * full one. Wrong: counted, and after MAX_SECOND_FACTOR_FAILURES the session ends.
 */
export async function verifySecondFactorCode(
  db: Db,
  clock: Clock,
  pending: { sessionId: string; userId: string },
  code: string,
  ip: string | null,
): Promise<void> {
  await assertSecondFactorAllowed(db, clock, pending.userId);
  const method = await checkCode(db, clock, pending.userId, code.trim());
  if (!method) {
    await rejectSecondFactor(db, clock, pending, ip, 'That code is not right.');
    return;
  }
  await completeSecondFactor(db, pending.sessionId, new Date(clock.now().getTime() + SESSION_LIFETIME_MS));
  await insertAuditEvent(db, { event: 'login.succeeded', user_id: pending.userId, ip, details: { secondFactor: method } });
}

async function checkCode(db: Db, clock: Clock, userId: string, code: string): Promise<'totp' | 'recovery-code' | null> {
  if (/^\d{6}$/.test(code)) {
    const row = await findTotp(db, userId);
    if (!row?.enabled_at) return null;
    const step = matchStep(openAtRest(row.secret_sealed, TOTP_PURPOSE), code, clock.now());
    // A code seen once (by us, or by someone looking over a shoulder) never works again.
    return step !== null && (await claimTotpStep(db, userId, step)) ? 'totp' : null;
  }
  if (normalizeRecoveryCode(code).length !== 10) return null;
  return (await useRecoveryCode(db, userId, hashRecoveryCode(code), clock.now())) ? 'recovery-code' : null;
}

/** Counts a failed second factor; past the limit the session ends and the password is needed again. */
export async function rejectSecondFactor(
  db: Db,
  clock: Clock,
  pending: { sessionId: string; userId: string },
  ip: string | null,
  message: string,
): Promise<never> {
  const failures = await noteSecondFactorFailure(db, pending.sessionId);
  await incrementCounter(db, failureKey(pending.userId), clock.now(), SECOND_FACTOR_LIMIT.windowMs);
  await insertAuditEvent(db, { event: 'login.failed', user_id: pending.userId, ip, details: { reason: 'wrong-second-factor' } });
  if (failures >= MAX_SECOND_FACTOR_FAILURES) {
    await revokeSession(db, pending.sessionId, pending.userId, clock.now());
    throw new AppError('UNAUTHORIZED', 'Too many wrong codes. Sign in again with your password.');
  }
  throw new AppError('INVALID_CREDENTIALS', `${message} Try again.`, { field: 'code' });
}
