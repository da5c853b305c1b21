import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareRegistration } from '../../../crypto/account';
import { deriveFromPassword, toBase64 } from '../../../crypto';
import { useTestDb } from '../../../testing/db';
import { type WebServer, startWebServer } from '../../../testing/web-server';
import { RATE_LIMITS, THROTTLE } from '../../auth/throttle.service';
import { createTestUser } from '../../../testing/factories';
import { nextAuthSignIn, trpcCall } from '../../../testing/http';
import { solve } from '../../../testing/proof-of-work';

/**
 * The signed-out part of the API over real HTTP, against the web role. It trusts loopback as a proxy,
 * so each test speaks for a client address of its own (X-Forwarded-For) and no two share a counter.
 */
const db = useTestDb();
let web: WebServer;
beforeAll(async () => {
  web = await startWebServer({ MAIL_DOMAIN: 'localhost', SECRET_KEY: process.env.SECRET_KEY!, TRUSTED_PROXIES: '127.0.0.0/8,::1' });
}, 120_000);
afterAll(() => web?.stop());

const newClient = () => ({ 'x-forwarded-for': `2001:db8:${randomBytes(2).toString('hex')}::${randomBytes(2).toString('hex')}` });

describe('auth.usernameAvailable', () => {
  it(`answers ${RATE_LIMITS.usernameAvailable.limit} checks a minute from one client, then 429`, async () => {
    const client = newClient();
    const started = performance.now();
    const statuses: number[] = [];
    for (let i = 0; i < RATE_LIMITS.usernameAvailable.limit + 5; i++) {
      statuses.push((await trpcCall(web.url, 'query', 'auth.usernameAvailable', { username: `probe${i}x${randomBytes(2).toString('hex')}` }, client)).status);
    }
    expect(statuses.slice(0, RATE_LIMITS.usernameAvailable.limit).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(RATE_LIMITS.usernameAvailable.limit)).toEqual([429, 429, 429, 429, 429]);
    expect(performance.now() - started).toBeLessThan(60_000);
    // Another client is not affected.
    expect((await trpcCall(web.url, 'query', 'auth.usernameAvailable', { username: 'probe' }, newClient())).status).toBe(200);
  });
});

describe('auth.register', () => {
  it('refuses a registration without a solved challenge, accepts one with, and never the same proof twice', async () => {
    const client = newClient();
    const username = `http${randomBytes(4).toString('hex')}`;
    const prepared = await prepareRegistration({ username, email: `${username}@localhost`, password: 'http-register-1' });
    const bare = await trpcCall(web.url, 'mutation', 'auth.register', { ...prepared.payload, proof: '' }, client);
    expect(bare.status).toBe(412);
    const challenge = (await trpcCall(web.url, 'mutation', 'auth.registrationChallenge', {}, client)).body.result.data;
    const proof = await solve(challenge);
    const ok = await trpcCall(web.url, 'mutation', 'auth.register', { ...prepared.payload, proof }, client);
    expect([ok.status, ok.body.result?.data?.username]).toEqual([200, username]);
    const again = await trpcCall(web.url, 'mutation', 'auth.register', { ...prepared.payload, username: `${username}b`, proof }, client);
    expect(again.status).toBe(412);
  });

  it(`lets one client make ${RATE_LIMITS.register.limit} tries an hour`, async () => {
    const client = newClient();
    const username = `rate${randomBytes(4).toString('hex')}`;
    const prepared = await prepareRegistration({ username, email: `${username}@localhost`, password: 'http-register-2' });
    const statuses: number[] = [];
    for (let i = 0; i <= RATE_LIMITS.register.limit; i++)
      statuses.push((await trpcCall(web.url, 'mutation', 'auth.register', { ...prepared.payload, proof: '' }, client)).status);
    expect(statuses).toEqual([...Array(RATE_LIMITS.register.limit).fill(412), 429]);
  });
});

describe('sign-in after failures on the username', () => {
  it('preLogin hands out a challenge, and the right password with its solution gets in over next-auth', async () => {
    const user = await createTestUser(db);
    const zero = toBase64(new Uint8Array(32));
    for (let i = 0; i < THROTTLE.challengeAfter; i++) {
      expect((await nextAuthSignIn(web.url, { username: user.username, authKey: zero }, newClient())).error).toBe('Wrong username or password.');
    }
    const owner = newClient();
    const { body } = await trpcCall(web.url, 'mutation', 'auth.preLogin', { username: user.username }, owner);
    const { challenge, ...kdf } = body.result.data;
    expect(challenge).not.toBeNull();
    const { authKey } = await deriveFromPassword(user.password, kdf);
    expect((await nextAuthSignIn(web.url, { username: user.username, authKey }, owner)).error).toMatch(/prove it isn't a bot/);
    expect((await nextAuthSignIn(web.url, { username: user.username, authKey, proof: await solve(challenge) }, owner)).error).toBeNull();
  });
});
