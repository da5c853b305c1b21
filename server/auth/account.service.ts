import 'server-only';
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { KdfDescriptor } from '../../crypto/account';
import { DEFAULT_KDF } from '../../crypto/kdf';
import type { Db } from '../../db/client';
import { findAddress } from '../../db/repositories/address.repository';
import { isUsernameRetired } from '../../db/repositories/admin-user.repository';
import { insertAuditEvent } from '../../db/repositories/audit.repository';
import { insertSession, revokeAllSessions } from '../../db/repositories/session.repository';
import { findUserByUsername, insertUser, updatePasswordMaterial, usernameExists } from '../../db/repositories/user.repository';
import type { UserRow } from '../../db/schema';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { Settings } from '../settings';
import { keyedHash } from '../secrets';
import type { recoveryResetSchema, registrationSchema } from './auth.schemas';
import { assertAccountPublicKey } from './public-key';
import { registrationPolicy } from './instance-policy.service';
import { consumeInvite } from './invite.service';
import { admitRegistration, assertUsernameNotRetired } from './registration-gate';
import { hashSecret, verifySecret } from './secret-hash';
import { type Challenge, checkProof, issueChallenge } from './proof-of-work';
import { SESSION_LIFETIME_MS } from './session-lifetime';
import { SECOND_FACTOR_WAIT_MS, stageAfterPassword } from './two-factor.service';
import { challengeRequired, checkSignInLimits, consumeRateLimit, noteFailure, noteSuccess, refundAttempt } from './throttle.service';

export interface Account {
  id: string;
  username: string;
  address: string;
  isAdmin: boolean;
  createdAt: Date;
}

/** `mailDomain`: the instance's own (MAIL_DOMAIN), where every user has <username>@mailDomain. */
export function rowToAccount(row: Pick<UserRow, 'id' | 'username' | 'is_admin' | 'created_at'>, mailDomain: string): Account {
  return {
    id: row.id,
    username: row.username,
    address: `${row.username}@${mailDomain}`,
    isAdmin: row.is_admin,
    createdAt: row.created_at,
  };
}

export { SESSION_LIFETIME_MS };
const INVALID = 'Wrong username or password.';

/** Names RFC 2142 and mail software expect to reach the operator; only the CLI may create them. */
const RESERVED = new Set(['postmaster', 'abuse', 'hostmaster', 'webmaster', 'mailer-daemon', 'root', 'admin', 'noreply', 'no-reply', 'security']);

const b64 = (s: string) => Buffer.from(s, 'base64');

function kdfOf(salt: Uint8Array, opslimit: number, memlimit: number): KdfDescriptor {
  return { salt: Buffer.from(salt).toString('base64'), opslimit, memlimit };
}

/** Unknown usernames get a stable fake salt, so the answer doesn't reveal who has an account. */
function fakeKdf(purpose: string, username: string): KdfDescriptor {
  return kdfOf(keyedHash(purpose, username).subarray(0, 16), DEFAULT_KDF.opslimit, DEFAULT_KDF.memlimit);
}

let dummyHash: Promise<string> | undefined;
/** Verified against for unknown users, so both paths cost one scrypt. */
const timingDummy = () => (dummyHash ??= hashSecret(randomBytes(32)));

/** What sign-up needs: the domain of every user's own address, and whether anyone may register. */
export type AccountSettings = Pick<Settings, 'mailDomain' | 'registration'>;

export async function publicConfig(db: Db, settings: AccountSettings) {
  const policy = await registrationPolicy(db, settings);
  return { mailDomain: settings.mailDomain, registrationOpen: policy === 'open', registrationPolicy: policy };
}

/** Free as a username and as <username>@MAIL_DOMAIN, which may already be someone's address or alias. */
export async function isUsernameAvailable(db: Db, mailDomain: string, username: string): Promise<boolean> {
  if (RESERVED.has(username) || (await usernameExists(db, username)) || (await isUsernameRetired(db, username, new Date()))) return false;
  return !(await findAddress(db, `${username}@${mailDomain}`));
}

export async function register(
  db: Db,
  payload: z.infer<typeof registrationSchema>,
  options: { settings: AccountSettings; viaCli?: boolean; isAdmin?: boolean; ip?: string | null; proof?: string; clock?: Clock; invite?: string },
): Promise<Account> {
  const { mailDomain } = options.settings;
  const clock = options.clock ?? { now: () => new Date() };
  // The run-time policy (open, invitation, closed); the CLI is the operator and needs none.
  const { inviteId } = options.viaCli ? { inviteId: null } : await admitRegistration(db, options.settings, clock.now(), options.invite);
  if (!options.viaCli) {
    // From the web, each account costs a proof of work, and one client may make only a few.
    await consumeRateLimit(db, clock, 'register', options.ip ?? null);
    if (!(await checkProof(db, clock, 'register', options.proof))) {
      throw new AppError('CHALLENGE_REQUIRED', "The check that you're not a bot did not pass. Try again.");
    }
  }
  if (!options.viaCli && RESERVED.has(payload.username)) {
    throw new AppError('USERNAME_TAKEN', 'That username is reserved. Choose another.');
  }
  if (await findAddress(db, `${payload.username}@${mailDomain}`)) {
    throw new AppError('USERNAME_TAKEN', 'That username is taken. Choose another.');
  }
  await assertUsernameNotRetired(db, payload.username, clock.now());
  await assertAccountPublicKey(payload.publicKey, `${payload.username}@${mailDomain}`);
  const [authHash, recoveryAuthHash] = await Promise.all([hashSecret(b64(payload.authKey)), hashSecret(b64(payload.recovery.authKey))]);
  try {
    const row = await db.transaction().execute(async (trx) => {
      const inserted = await insertUser(trx, {
        username: payload.username,
        is_admin: options.isAdmin ?? false,
        kdf_salt: b64(payload.kdf.salt),
        kdf_opslimit: payload.kdf.opslimit,
        kdf_memlimit: payload.kdf.memlimit,
        auth_hash: authHash,
        public_key: payload.publicKey,
        wrapped_key: b64(payload.wrappedKey),
        recovery_salt: b64(payload.recovery.kdf.salt),
        recovery_auth_hash: recoveryAuthHash,
        recovery_wrapped_key: b64(payload.recovery.wrappedKey),
      });
      // An invitation is spent with the account it made, or not at all.
      if (inviteId) await consumeInvite(trx, inviteId, inserted.id, clock.now());
      return inserted;
    });
    await insertAuditEvent(db, {
      event: 'account.created',
      user_id: row.id,
      ip: options.ip,
      details: { via: options.viaCli ? 'cli' : inviteId ? 'invite' : 'web' },
    });
    return rowToAccount(row, mailDomain);
  } catch (err) {
    if ((err as { code?: string }).code === '23505') {
      throw new AppError('USERNAME_TAKEN', 'That username is taken. Choose another.');
    }
    throw err;
  }
}

export async function preLogin(db: Db, username: string): Promise<KdfDescriptor> {
  const row = await findUserByUsername(db, username);
  return row ? kdfOf(row.kdf_salt, row.kdf_opslimit, row.kdf_memlimit) : fakeKdf('fake-salt', username);
}

/** The proof of work a sign-in to `username` needs now, or null while it needs none. */
export async function loginChallenge(db: Db, clock: Clock, username: string, ip: string | null): Promise<Challenge | null> {
  return (await challengeRequired(db, clock, username)) ? issueChallenge(db, clock, 'login', ip) : null;
}

export interface SignInContext {
  ip: string | null;
  userAgent: string | null;
}

export const CHALLENGE_NEEDED = "This account has had many failed sign-ins. Sign in again: your browser will first prove it isn't a bot.";

/**
 * Throttled for this client, or (after failures on the username from anyone) without a valid proof of
 * work: refused and audited, before the password is looked at.
 */
async function gateSignIn(db: Db, clock: Clock, username: string, ip: string | null, proof: string | null | undefined, event: string) {
  const user = await findUserByUsername(db, username);
  try {
    const { challengeRequired } = await checkSignInLimits(db, clock, username, ip);
    if (challengeRequired && !(await checkProof(db, clock, 'login', proof))) {
      await refundAttempt(db, username, ip);
      throw new AppError('CHALLENGE_REQUIRED', CHALLENGE_NEEDED);
    }
  } catch (err) {
    if (err instanceof AppError)
      await insertAuditEvent(db, { event, user_id: user?.id, ip, details: { reason: err.code === 'THROTTLED' ? 'throttled' : 'challenge-required' } });
    throw err;
  }
  return user;
}

/** Checks a username/authKey pair: throttled, constant-shape, audited. Returns a new session. */
export async function signIn(
  db: Db,
  clock: Clock,
  mailDomain: string,
  input: { username: string; authKey: string; proof?: string | null } & SignInContext,
): Promise<{ account: Account; sessionId: string }> {
  const row = await gateSignIn(db, clock, input.username, input.ip, input.proof, 'login.failed');
  const ok = await verifySecret(row?.auth_hash ?? (await timingDummy()), b64(input.authKey));
  if (!row || !ok) {
    await noteFailure(db, clock, input.username);
    await insertAuditEvent(db, { event: 'login.failed', user_id: row?.id, ip: input.ip, details: { reason: 'wrong-credentials' } });
    throw new AppError('INVALID_CREDENTIALS', INVALID);
  }
  if (row.disabled_at) {
    await insertAuditEvent(db, { event: 'login.failed', user_id: row.id, ip: input.ip, details: { reason: 'disabled' } });
    throw new AppError('FORBIDDEN', 'This account is disabled. Ask the administrator.');
  }
  await noteSuccess(db, input.username, input.ip);
  // With 2FA (or 2FA required and none set up) the session waits for it: see two-factor.service.ts.
  const stage = await stageAfterPassword(db, row.id);
  const session = await insertSession(db, {
    user_id: row.id,
    client_key: randomBytes(32),
    user_agent: input.userAgent?.slice(0, 300) ?? null,
    ip: input.ip,
    // A session waiting for its second factor lives minutes; passing it gives the full lifetime.
    expires_at: new Date(clock.now().getTime() + (stage === 'none' ? SESSION_LIFETIME_MS : SECOND_FACTOR_WAIT_MS)),
    second_factor_pending: stage !== 'none',
  });
  await insertAuditEvent(db, {
    event: stage === 'none' ? 'login.succeeded' : 'login.password-accepted',
    user_id: row.id,
    ip: input.ip,
    ...(stage !== 'none' && { details: { next: stage } }),
  });
  return { account: rowToAccount(row, mailDomain), sessionId: session.id };
}

export async function recoveryParams(db: Db, username: string): Promise<KdfDescriptor> {
  const row = await findUserByUsername(db, username);
  return row ? kdfOf(row.recovery_salt, DEFAULT_KDF.opslimit, DEFAULT_KDF.memlimit) : fakeKdf('fake-recovery-salt', username);
}

const INVALID_RECOVERY = 'That recovery phrase does not match this username.';

async function checkRecovery(db: Db, clock: Clock, username: string, recoveryAuthKey: string, ip: string | null): Promise<UserRow> {
  // A 24-word phrase can't be guessed, so recovery needs no proof of work; the per-client limits stay.
  try {
    await checkSignInLimits(db, clock, username, ip);
  } catch (err) {
    await insertAuditEvent(db, { event: 'recovery.failed', ip, details: { reason: 'throttled' } });
    throw err;
  }
  const row = await findUserByUsername(db, username);
  const ok = await verifySecret(row?.recovery_auth_hash ?? (await timingDummy()), b64(recoveryAuthKey));
  if (!row || !ok) {
    await noteFailure(db, clock, username);
    await insertAuditEvent(db, { event: 'recovery.failed', user_id: row?.id, ip, details: { reason: 'wrong-phrase' } });
    throw new AppError('INVALID_CREDENTIALS', INVALID_RECOVERY);
  }
  return row;
}

/** Step 1 of a reset: the phrase's authKey buys the recovery-wrapped private key. */
export async function recoveryUnlock(db: Db, clock: Clock, input: { username: string; recoveryAuthKey: string; ip: string | null }) {
  const row = await checkRecovery(db, clock, input.username, input.recoveryAuthKey, input.ip);
  await noteSuccess(db, input.username, input.ip);
  return { wrappedKey: Buffer.from(row.recovery_wrapped_key).toString('base64') };
}

/** Step 2: the key re-wrapped under the new password replaces the old; every session ends. */
export async function recoveryReset(db: Db, clock: Clock, input: z.infer<typeof recoveryResetSchema> & { ip: string | null }) {
  const row = await checkRecovery(db, clock, input.username, input.recoveryAuthKey, input.ip);
  await db.transaction().execute(async (trx) => {
    await updatePasswordMaterial(trx, row.id, {
      kdf_salt: b64(input.kdf.salt),
      kdf_opslimit: input.kdf.opslimit,
      kdf_memlimit: input.kdf.memlimit,
      auth_hash: await hashSecret(b64(input.authKey)),
      wrapped_key: b64(input.wrappedKey),
    });
    await revokeAllSessions(trx, row.id, clock.now());
  });
  await noteSuccess(db, input.username, input.ip);
  await insertAuditEvent(db, { event: 'recovery.password-reset', user_id: row.id, ip: input.ip });
}
