import 'server-only';
import {
  type AuthenticationResponseJSON,
  type AuthenticatorTransport,
  type RegistrationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import type { Db } from '../../db/client';
import {
  completeSecondFactor,
  countUnusedRecoveryCodes,
  deletePasskey,
  findPasskey,
  hasSecondFactor,
  insertPasskey,
  listPasskeys,
  notePasskeyUse,
  setSessionChallenge,
} from '../../db/repositories/account-security.repository';
import { insertAuditEvent } from '../../db/repositories/audit.repository';
import { deleteRecoveryCodes } from '../../db/repositories/account-security.repository';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import { SESSION_LIFETIME_MS } from './session-lifetime';
import { assertSecondFactorAllowed, issueRecoveryCodes, rejectSecondFactor, twoFactorRequired } from './two-factor.service';

/**
 * WebAuthn passkeys as a second factor (@simplewebauthn/server). The relying party is the app's own
 * origin (PUBLIC_URL): its host name is the rpID. Each ceremony's challenge is kept on the session
 * row that asked for it, so any web node can finish what another began, and a challenge works once.
 */
export interface RelyingParty {
  origin: string;
  rpID: string;
}

export const relyingParty = (webOrigin: string): RelyingParty => ({ origin: webOrigin, rpID: new URL(webOrigin).hostname });

const transportsOf = (row: { transports: string[] }) => row.transports as AuthenticatorTransport[];

export interface PasskeyInfo {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export async function passkeyList(db: Db, userId: string): Promise<PasskeyInfo[]> {
  const rows = await listPasskeys(db, userId);
  return rows.map((row) => ({ id: row.id, name: row.name, createdAt: row.created_at.toISOString(), lastUsedAt: row.last_used_at?.toISOString() ?? null }));
}

export async function passkeyRegistrationOptions(db: Db, rp: RelyingParty, user: { id: string; address: string }, sessionId: string) {
  const existing = await listPasskeys(db, user.id);
  const options = await generateRegistrationOptions({
    rpName: 'Sealpost',
    rpID: rp.rpID,
    userName: user.address,
    userID: new TextEncoder().encode(user.id),
    attestationType: 'none',
    excludeCredentials: existing.map((row) => ({ id: row.credential_id, transports: transportsOf(row) })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
  });
  await setSessionChallenge(db, sessionId, options.challenge);
  return options;
}

/** Stores the new passkey. The first second factor also brings the ten recovery codes, returned once. */
export async function finishPasskeyRegistration(
  db: Db,
  rp: RelyingParty,
  input: { userId: string; sessionId: string; challenge: string | null; response: RegistrationResponseJSON; name: string; ip: string | null },
): Promise<{ recoveryCodes: string[] | null }> {
  if (!input.challenge) throw new AppError('INVALID_STATE', 'Start adding the passkey again.');
  await setSessionChallenge(db, input.sessionId, null);
  const verification = await verifyRegistrationResponse({
    response: input.response,
    expectedChallenge: input.challenge,
    expectedOrigin: rp.origin,
    expectedRPID: rp.rpID,
    requireUserVerification: false,
  }).catch((err: Error) => {
    throw new AppError('BAD_INPUT', `The passkey could not be checked: ${err.message}`);
  });
  if (!verification.verified) throw new AppError('BAD_INPUT', 'The passkey could not be verified. Try again.');
  const { credential } = verification.registrationInfo;
  const before = await hasSecondFactor(db, input.userId);
  await insertPasskey(db, {
    user_id: input.userId,
    credential_id: credential.id,
    public_key: credential.publicKey,
    counter: credential.counter,
    transports: credential.transports ?? [],
    name: input.name,
  });
  await insertAuditEvent(db, { event: '2fa.enabled', user_id: input.userId, ip: input.ip, details: { method: 'passkey' } });
  const needsCodes = !before.totp && before.passkeys === 0 && (await countUnusedRecoveryCodes(db, input.userId)) === 0;
  return { recoveryCodes: needsCodes ? await issueRecoveryCodes(db, input.userId) : null };
}

export async function removePasskey(db: Db, userId: string, id: string, ip: string | null): Promise<void> {
  const factors = await hasSecondFactor(db, userId);
  const last = !factors.totp && factors.passkeys <= 1;
  if (last && (await twoFactorRequired(db))) {
    throw new AppError('FORBIDDEN', 'This server requires two-factor authentication. Set up another factor before removing your last passkey.');
  }
  if (!(await deletePasskey(db, userId, id))) throw new AppError('NOT_FOUND', 'That passkey has already been removed.');
  if (last) await deleteRecoveryCodes(db, userId);
  await insertAuditEvent(db, { event: '2fa.disabled', user_id: userId, ip, details: { method: 'passkey' } });
}

/** Sign-in, step two with a passkey: the options name this user's credentials. */
export async function passkeyLoginOptions(db: Db, rp: RelyingParty, pending: { sessionId: string; userId: string }) {
  const passkeys = await listPasskeys(db, pending.userId);
  if (passkeys.length === 0) throw new AppError('INVALID_STATE', 'This account has no passkey. Use your authenticator app or a recovery code.');
  const options = await generateAuthenticationOptions({
    rpID: rp.rpID,
    allowCredentials: passkeys.map((row) => ({ id: row.credential_id, transports: transportsOf(row) })),
    userVerification: 'preferred',
  });
  await setSessionChallenge(db, pending.sessionId, options.challenge);
  return options;
}

export async function verifyPasskeyLogin(
  db: Db,
  clock: Clock,
  rp: RelyingParty,
  pending: { sessionId: string; userId: string; webauthnChallenge: string | null },
  response: AuthenticationResponseJSON,
  ip: string | null,
): Promise<void> {
  if (!pending.webauthnChallenge) throw new AppError('INVALID_STATE', 'Ask for the passkey again.');
  await assertSecondFactorAllowed(db, clock, pending.userId);
  await setSessionChallenge(db, pending.sessionId, null);
  const row = await findPasskey(db, pending.userId, response.id);
  if (!row) return rejectSecondFactor(db, clock, pending, ip, 'That passkey is not registered to this account.');
  const verification = await verifyAuthenticationResponse({
    response,
    expectedChallenge: pending.webauthnChallenge,
    expectedOrigin: rp.origin,
    expectedRPID: rp.rpID,
    credential: { id: row.credential_id, publicKey: new Uint8Array(row.public_key), counter: Number(row.counter), transports: transportsOf(row) },
    requireUserVerification: false,
  }).catch(() => ({ verified: false as const, authenticationInfo: undefined }));
  if (!verification.verified) return rejectSecondFactor(db, clock, pending, ip, 'The passkey did not verify.');
  await notePasskeyUse(db, row.id, verification.authenticationInfo.newCounter, clock.now());
  await completeSecondFactor(db, pending.sessionId, new Date(clock.now().getTime() + SESSION_LIFETIME_MS));
  await insertAuditEvent(db, { event: 'login.succeeded', user_id: pending.userId, ip, details: { secondFactor: 'passkey' } });
}
