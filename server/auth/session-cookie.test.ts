import { encode } from 'next-auth/jwt';
import { describe, expect, it } from 'vitest';
import { nextAuthSecret } from './nextauth';
import { parseCookieHeader, sessionCookieName, sessionIdFromCookies } from './session-cookie';

/** Tokens made by next-auth's own encoder, read back the way the web role's tRPC handler reads them. */
const token = (claims: Record<string, unknown>, secret = nextAuthSecret(), maxAge = 3600) => encode({ token: claims, secret, maxAge });
const cookie = (value: string) => parseCookieHeader(`theme=dark; ${sessionCookieName()}=${value}; other=1`);

describe('the session cookie', () => {
  it("names the session that next-auth's token carries", async () => {
    expect(await sessionIdFromCookies(cookie(await token({ sid: 'session-1', uid: 'u' })))).toBe('session-1');
  });

  it('joins a token that next-auth split into chunks', async () => {
    const value = await token({ sid: 'session-2' });
    const half = Math.floor(value.length / 2);
    const name = sessionCookieName();
    // Out of order on purpose: the chunks are joined by their number.
    const header = `${name}.1=${value.slice(half)}; ${name}.0=${value.slice(0, half)}`;
    expect(await sessionIdFromCookies(parseCookieHeader(header))).toBe('session-2');
  });

  it('is no session when the token is expired, forged, from another secret, or absent', async () => {
    const expired = await token({ sid: 'session-3' }, undefined, 1);
    expect(await sessionIdFromCookies(cookie(expired), Date.now() + 60_000)).toBeNull();
    const other = await token({ sid: 'session-4' }, Buffer.alloc(32, 7).toString('base64'));
    expect(await sessionIdFromCookies(cookie(other))).toBeNull();
    const good = await token({ sid: 'session-5' });
    expect(await sessionIdFromCookies(cookie(`${good.slice(0, -4)}AAAA`))).toBeNull();
    expect(await sessionIdFromCookies(parseCookieHeader('theme=dark'))).toBeNull();
    expect(await sessionIdFromCookies(parseCookieHeader(undefined))).toBeNull();
  });

  it('remembers a decoded token only until it expires', async () => {
    const value = await token({ sid: 'session-6' }, undefined, 60);
    expect(await sessionIdFromCookies(cookie(value))).toBe('session-6');
    expect(await sessionIdFromCookies(cookie(value), Date.now() + 120_000)).toBeNull();
  });
});
