import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { deriveFromPassword, deriveFromPhrase, prepareRegistration, rewrapForPassword, unlockWrappedKey } from '../../crypto/account';
import { fromBase64, toBase64 } from '../../crypto/encoding';
import { sodium } from '../../crypto/sodium';
import { purposes } from '../../crypto/wrap';
import { findActiveSession, revokeSession } from '../../db/repositories/session.repository';
import { findUserByUsername } from '../../db/repositories/user.repository';
import { useTestDb } from '../../testing/db';
import type { Clock } from '../clock';
import { env } from '../env';
import { createTestUser } from '../../testing/factories';
import { solve, solvedProof } from '../../testing/proof-of-work';
import { CHALLENGE_NEEDED, loginChallenge, preLogin, recoveryParams, recoveryReset, recoveryUnlock, register, signIn } from './account.service';
import { THROTTLE } from './throttle.service';
import { appError } from '../../testing/errors';
import { settingsFrom } from '../settings';

const settings = settingsFrom(env());

const db = useTestDb();
const clock: Clock = { now: () => new Date() };
const ctx = { ip: '192.0.2.10', userAgent: 'vitest' };

/** A fresh client address, so tests sharing the database never share a counter. */
const randomIp = () =>
  `2001:db8::${randomBytes(4)
    .toString('hex')
    .replace(/(.{4})/, '$1:')}`;

async function authKeyFor(username: string, password: string) {
  return (await deriveFromPassword(password, await preLogin(db, username))).authKey;
}

describe('the users table', () => {
  it('stores no password and no authKey, in any column, as text or bytes', async () => {
    const user = await createTestUser(db);
    const authKey = await authKeyFor(user.username, user.password);
    const { rows } = await sql<{ dump: string }>`SELECT row_to_json(u)::text AS dump FROM users u WHERE username = ${user.username}`.execute(db);
    const dump = rows[0]!.dump;
    // bytea renders as \x<hex> in row_to_json, so hex forms are covered too.
    const needles = [
      user.password,
      Buffer.from(user.password).toString('hex'),
      Buffer.from(user.password).toString('base64'),
      authKey,
      Buffer.from(fromBase64(authKey)).toString('hex'),
    ];
    for (const needle of needles) expect(dump).not.toContain(needle);
    // Positive control: the same dump does contain what is meant to be there.
    expect(dump).toContain(user.username);
    expect(dump).toContain(Buffer.from(user.publicKeyArmored.slice(40, 80)).toString().slice(0, 20));
  });

  it('holds nothing that unwraps the key without a full Argon2id evaluation', async () => {
    const user = await createTestUser(db);
    const row = (await findUserByUsername(db, user.username))!;
    const candidates: Uint8Array[] = [];
    for (const value of Object.values(row)) {
      const bytes = value instanceof Uint8Array ? value : new TextEncoder().encode(String(value));
      candidates.push(bytes.subarray(0, 32), bytes.subarray(-32), createHash('sha256').update(bytes).digest());
    }
    const s = await sodium();
    // Argon2id with fewer passes or less memory than the stored parameters is a different function.
    for (const [ops, mem] of [
      [1, row.kdf_memlimit],
      [row.kdf_opslimit, 8 * 1024 * 1024],
    ] as const) {
      const master = s.crypto_pwhash(32, user.password, row.kdf_salt, ops, mem, s.crypto_pwhash_ALG_ARGON2ID13);
      candidates.push(master, s.crypto_kdf_derive_from_key(32, 2, 'sp-wrap_', master));
    }
    const wrapped = toBase64(row.wrapped_key);
    const recovery = toBase64(row.recovery_wrapped_key);
    for (const key of candidates.filter((k) => k.length === 32)) {
      expect((await unlockWrappedKey(wrapped, key, purposes.privateKey(user.username))).status).toBe('decrypt-failed');
      expect((await unlockWrappedKey(recovery, key, purposes.recoveryKey(user.username))).status).toBe('decrypt-failed');
    }
    // Control: the full evaluation does unwrap, so the attempts above could have succeeded.
    const full = await deriveFromPassword(user.password, await preLogin(db, user.username));
    expect((await unlockWrappedKey(wrapped, full.wrapKey, purposes.privateKey(user.username))).status).toBe('ok');
  });
});

describe('sign-in', () => {
  it('opens a session for the right authKey and refuses a wrong one', async () => {
    const user = await createTestUser(db);
    const { sessionId, account } = await signIn(db, clock, settings.mailDomain, {
      username: user.username,
      authKey: await authKeyFor(user.username, user.password),
      ...ctx,
    });
    expect(account.username).toBe(user.username);
    expect(await findActiveSession(db, sessionId, clock.now())).toBeDefined();
    const err = await appError(
      signIn(db, clock, settings.mailDomain, { username: user.username, authKey: await authKeyFor(user.username, 'not the password'), ...ctx }),
    );
    expect(err.code).toBe('INVALID_CREDENTIALS');
  });

  it('answers an unknown user exactly like a wrong password, with a stable fake salt', async () => {
    const user = await createTestUser(db);
    const unknown = `ghost${Date.now()}`;
    const fake = await preLogin(db, unknown);
    expect(await preLogin(db, unknown)).toEqual(fake);
    expect((await preLogin(db, `${unknown}x`)).salt).not.toBe(fake.salt);
    expect(Object.keys(fake).sort()).toEqual(Object.keys(await preLogin(db, user.username)).sort());
    const a = await appError(signIn(db, clock, settings.mailDomain, { username: unknown, authKey: toBase64(new Uint8Array(32)), ...ctx }));
    const b = await appError(signIn(db, clock, settings.mailDomain, { username: user.username, authKey: toBase64(new Uint8Array(32)), ...ctx }));
    expect([a.code, a.message]).toEqual([b.code, b.message]);
  });

  it('never locks the owner out: after failures on a username from anyone, the right password plus a proof of work gets in', async () => {
    const user = await createTestUser(db);
    const right = await authKeyFor(user.username, user.password);
    const wrong = toBase64(new Uint8Array(32).fill(7));
    // Three guessers, each from its own address, fail once or twice each: enough to want a challenge.
    for (const n of [1, 2, 3, 4, 5])
      await appError(signIn(db, clock, settings.mailDomain, { username: user.username, authKey: wrong, ...ctx, ip: randomIp() }));
    const owner = { ...ctx, ip: randomIp() };
    const plain = await appError(signIn(db, clock, settings.mailDomain, { username: user.username, authKey: right, ...owner }));
    expect([plain.code, plain.message]).toEqual(['CHALLENGE_REQUIRED', CHALLENGE_NEEDED]);
    // preLogin hands out the challenge to solve; the browser's answer buys one attempt.
    const challenge = await loginChallenge(db, clock, user.username, owner.ip);
    expect(challenge).not.toBeNull();
    const proof = await solve(challenge!);
    await expect(signIn(db, clock, settings.mailDomain, { username: user.username, authKey: right, proof, ...owner })).resolves.toBeDefined();
    const replay = await appError(signIn(db, clock, settings.mailDomain, { username: user.username, authKey: right, proof, ...owner }));
    expect(replay.code).toBe('CHALLENGE_REQUIRED');
    // A solution made for registration doesn't count for sign-in.
    const crossed = await appError(
      signIn(db, clock, settings.mailDomain, { username: user.username, authKey: right, proof: await solvedProof('register'), ...owner }),
    );
    expect(crossed.code).toBe('CHALLENGE_REQUIRED');
  });

  it('asks no challenge of a username without failures', async () => {
    const user = await createTestUser(db);
    expect(await loginChallenge(db, clock, user.username, ctx.ip)).toBeNull();
  });

  it('throttles one client guessing one username after 5 failures, and says when to retry; other clients still get in', async () => {
    const user = await createTestUser(db);
    const right = await authKeyFor(user.username, user.password);
    const wrong = toBase64(new Uint8Array(32).fill(7));
    const guesser = { ...ctx, ip: randomIp() };
    for (let i = 0; i < 5; i++) {
      // From the fourth failure on, the username wants a proof of work: the guesser pays for each try.
      const proof = i >= THROTTLE.challengeAfter ? await solvedProof('login') : undefined;
      const err = await appError(signIn(db, clock, settings.mailDomain, { username: user.username, authKey: wrong, proof, ...guesser }));
      expect(err.code).toBe('INVALID_CREDENTIALS');
    }
    const err = await appError(
      signIn(db, clock, settings.mailDomain, { username: user.username, authKey: right, proof: await solvedProof('login'), ...guesser }),
    );
    expect(err.code).toBe('THROTTLED');
    expect(err.message).toMatch(/Try again in 1[45] minutes\./);
    await expect(
      signIn(db, clock, settings.mailDomain, { username: user.username, authKey: right, proof: await solvedProof('login'), ...ctx, ip: randomIp() }),
    ).resolves.toBeDefined();
    // Fifteen minutes later the guesser's window has passed too.
    const later: Clock = { now: () => new Date(Date.now() + 16 * 60 * 1000) };
    await expect(signIn(db, later, settings.mailDomain, { username: user.username, authKey: right, ...guesser })).resolves.toBeDefined();
  });

  it('records every refused sign-in in the audit log, with why', async () => {
    const user = await createTestUser(db);
    const wrong = toBase64(new Uint8Array(32).fill(9));
    const ip = randomIp();
    for (let i = 0; i < 3; i++) await appError(signIn(db, clock, settings.mailDomain, { username: user.username, authKey: wrong, ...ctx, ip }));
    await appError(signIn(db, clock, settings.mailDomain, { username: user.username, authKey: wrong, ...ctx, ip }));
    const rows = await db
      .selectFrom('audit_log')
      .select(['event', 'details'])
      .where('user_id', '=', user.account.id)
      .where('ip', '=', ip)
      .orderBy('id')
      .execute();
    expect(rows.map((r) => [r.event, (r.details as { reason?: string } | null)?.reason])).toEqual([
      ['login.failed', 'wrong-credentials'],
      ['login.failed', 'wrong-credentials'],
      ['login.failed', 'wrong-credentials'],
      ['login.failed', 'challenge-required'],
    ]);
  });

  it('throttles an IP after 20 failures across usernames', async () => {
    const ip = { ...ctx, ip: randomIp() };
    const zero = toBase64(new Uint8Array(32));
    for (let i = 0; i < 20; i++) await appError(signIn(db, clock, settings.mailDomain, { username: `spray${i}x${Date.now()}`, authKey: zero, ...ip }));
    const user = await createTestUser(db);
    const err = await appError(
      signIn(db, clock, settings.mailDomain, { username: user.username, authKey: await authKeyFor(user.username, user.password), ...ip }),
    );
    expect(err.code).toBe('THROTTLED');
  });

  it('counts parallel attempts before checking them, so a burst from one client gets no more than the limit', async () => {
    const ip = { ...ctx, ip: randomIp() };
    const zero = toBase64(new Uint8Array(32));
    const burst = THROTTLE.perIp + 10;
    const codes = await Promise.all(
      Array.from({ length: burst }, (_, i) =>
        appError(signIn(db, clock, settings.mailDomain, { username: `burst${i}x${Date.now()}`, authKey: zero, ...ip })).then((e) => e.code),
      ),
    );
    expect(codes.filter((c) => c === 'INVALID_CREDENTIALS')).toHaveLength(THROTTLE.perIp);
    expect(codes.filter((c) => c === 'THROTTLED')).toHaveLength(10);
  });

  it('ends a revoked session at once', async () => {
    const user = await createTestUser(db);
    const { sessionId, account } = await signIn(db, clock, settings.mailDomain, {
      username: user.username,
      authKey: await authKeyFor(user.username, user.password),
      ...ctx,
    });
    expect(await revokeSession(db, sessionId, account.id, clock.now())).toBe(true);
    expect(await findActiveSession(db, sessionId, clock.now())).toBeUndefined();
  });
});

describe('registration', () => {
  it('is refused from the web when REGISTRATION=closed, and still works from the CLI', async () => {
    const closed = { ...settings, registration: 'closed' as const };
    const username = `closed${Date.now()}`;
    const prepared = await prepareRegistration({ username, email: `${username}@localhost`, password: 'closed-registration-1' });
    const err = await appError(register(db, prepared.payload, { settings: closed, ip: ctx.ip }));
    expect(err.code).toBe('REGISTRATION_CLOSED');
    expect(await findUserByUsername(db, prepared.payload.username)).toBeUndefined();
    await expect(register(db, prepared.payload, { settings: closed, viaCli: true })).resolves.toMatchObject({ username: prepared.payload.username });
  });

  it('refuses a "public" key that holds secret key material, or names another address', async () => {
    const username = `leak${Date.now()}`;
    const prepared = await prepareRegistration({ username, email: `${username}@localhost`, password: 'leaky-password-1' });
    const secretInPublicArmor = prepared.privateKeyArmored.replace(/PRIVATE KEY BLOCK/g, 'PUBLIC KEY BLOCK');
    const leak = await appError(register(db, { ...prepared.payload, publicKey: secretInPublicArmor }, { settings, viaCli: true }));
    expect([leak.code, leak.message]).toEqual(['BAD_INPUT', 'Upload only the public key.']);
    const other = await prepareRegistration({ username: 'someoneelse', email: 'someoneelse@localhost', password: 'other-password-1' });
    const wrong = await appError(register(db, { ...prepared.payload, publicKey: other.payload.publicKey }, { settings, viaCli: true }));
    expect(wrong.message).toContain('exactly one user ID');
    expect(await findUserByUsername(db, prepared.payload.username)).toBeUndefined();
  });

  it('from the web, needs a proof of work for registration, and limits each client to 5 an hour', async () => {
    const username = `pow${Date.now()}`;
    const prepared = await prepareRegistration({ username, email: `${username}@localhost`, password: 'proof-of-work-1' });
    const ip = randomIp();
    const bare = await appError(register(db, prepared.payload, { settings, ip }));
    expect(bare.code).toBe('CHALLENGE_REQUIRED');
    const forLogin = await appError(register(db, prepared.payload, { settings, ip, proof: await solvedProof('login') }));
    expect(forLogin.code).toBe('CHALLENGE_REQUIRED');
    expect(await findUserByUsername(db, username)).toBeUndefined();
    const proof = await solvedProof('register');
    await expect(register(db, prepared.payload, { settings, ip, proof })).resolves.toMatchObject({ username });
    // Two more tries fill the hour's five; the sixth is refused before anything else is looked at.
    for (let i = 0; i < 2; i++) expect((await appError(register(db, prepared.payload, { settings, ip, proof }))).code).toBe('CHALLENGE_REQUIRED');
    const sixth = await appError(register(db, prepared.payload, { settings, ip, proof: await solvedProof('register') }));
    expect(sixth.code).toBe('THROTTLED');
    // Another client is not affected.
    const other = await appError(register(db, prepared.payload, { settings, ip: randomIp() }));
    expect(other.code).toBe('CHALLENGE_REQUIRED');
  });

  it('refuses a taken username with a clear message', async () => {
    const user = await createTestUser(db);
    const prepared = await prepareRegistration({ username: user.username, email: `${user.username}@localhost`, password: 'another-password-1' });
    const err = await appError(register(db, prepared.payload, { settings, viaCli: true }));
    expect([err.code, err.message]).toEqual(['USERNAME_TAKEN', 'That username is taken. Choose another.']);
  });
});

describe('recovery', () => {
  it('resets the password with the phrase: the old one stops working and sessions end', async () => {
    const user = await createTestUser(db);
    const before = await signIn(db, clock, settings.mailDomain, { username: user.username, authKey: await authKeyFor(user.username, user.password), ...ctx });
    const keys = await deriveFromPhrase(user.phrase, await recoveryParams(db, user.username));
    if (keys.status !== 'ok') throw new Error('phrase did not derive');
    const { wrappedKey } = await recoveryUnlock(db, clock, { username: user.username, recoveryAuthKey: keys.authKey, ip: ctx.ip });
    const unlocked = await unlockWrappedKey(wrappedKey, keys.wrapKey, purposes.recoveryKey(user.username));
    if (unlocked.status !== 'ok') throw new Error('recovery copy did not unwrap');
    const next = await rewrapForPassword(user.username, 'the-new-password-1', unlocked.privateKeyArmored);
    await recoveryReset(db, clock, { username: user.username, recoveryAuthKey: keys.authKey, ...next.payload, ip: ctx.ip });

    expect(await findActiveSession(db, before.sessionId, clock.now())).toBeUndefined();
    const old = await appError(
      signIn(db, clock, settings.mailDomain, { username: user.username, authKey: await authKeyFor(user.username, user.password), ...ctx }),
    );
    expect(old.code).toBe('INVALID_CREDENTIALS');
    await expect(
      signIn(db, clock, settings.mailDomain, { username: user.username, authKey: await authKeyFor(user.username, 'the-new-password-1'), ...ctx }),
    ).resolves.toBeDefined();
  });

  it('refuses a different valid phrase', async () => {
    const [user, other] = await Promise.all([createTestUser(db), createTestUser(db)]);
    const keys = await deriveFromPhrase(other.phrase, await recoveryParams(db, user.username));
    if (keys.status !== 'ok') throw new Error('phrase did not derive');
    const err = await appError(recoveryUnlock(db, clock, { username: user.username, recoveryAuthKey: keys.authKey, ip: ctx.ip }));
    expect(err.code).toBe('INVALID_CREDENTIALS');
  });
});
