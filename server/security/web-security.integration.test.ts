import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDb } from '../../testing/db';
import { type WebServer, startWebServer } from '../../testing/web-server';
import { createTestUser } from '../../testing/factories';
import { signInOverHttp } from '../../testing/web-session';

/**
 * Over real HTTP against the built web role: every page carries a nonce-based CSP with a fresh
 * nonce, and state-changing requests from another origin are refused with 403 before they run.
 */
const db = useTestDb();
let web: WebServer;
beforeAll(async () => {
  web = await startWebServer({ MAIL_DOMAIN: 'localhost', SECRET_KEY: process.env.SECRET_KEY! });
});
afterAll(() => web?.stop());

const evil = 'http://evil.example';

function directives(csp: string) {
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...values]) => [name, values]),
  );
}

describe('the Content-Security-Policy of pages', () => {
  it('is on every page, with a nonce that is new for each response and on every script Next renders', async () => {
    const nonces = new Set<string>();
    for (const path of ['/login', '/login', '/register', '/recover', '/']) {
      const res = await fetch(`${web.url}${path}`, { redirect: 'manual' });
      const csp = res.headers.get('content-security-policy');
      expect(csp, path).toBeTruthy();
      const d = directives(csp!);
      const nonce = d
        .get('script-src')!
        .find((v) => v.startsWith("'nonce-"))!
        .slice(7, -1);
      expect(nonce, path).toMatch(/^[A-Za-z0-9+/=]{20,}$/);
      nonces.add(nonce);
      expect(d.get('script-src')).toContain("'strict-dynamic'");
      expect(d.get('script-src')).not.toContain("'unsafe-inline'");
      expect(d.get('script-src')).not.toContain("'unsafe-eval'");
      expect(d.get('object-src')).toEqual(["'none'"]);
      expect(d.get('base-uri')).toEqual(["'none'"]);
      expect(d.get('frame-ancestors')).toEqual(["'none'"]);
      expect(d.get('connect-src')).toEqual(["'self'"]);
      if (res.status === 200) {
        const html = await res.text();
        const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
        expect(scripts.length, path).toBeGreaterThan(0);
        for (const tag of scripts) expect(tag, path).toContain(`nonce="${nonce}"`);
      }
    }
    expect(nonces.size).toBe(5);
  });
});

describe('the Origin check on state-changing requests', () => {
  let cookie: string;
  let otherCookie: string;
  let otherSessionId: string;

  beforeAll(async () => {
    const user = await createTestUser(db);
    cookie = await signInOverHttp(web.url, web.url, user);
    otherCookie = await signInOverHttp(web.url, web.url, user);
    const sessions = await query('account.sessions', otherCookie);
    expect(sessions.status).toBe(200);
    otherSessionId = ((await sessions.json()) as { result: { data: { id: string; current: boolean }[] } }).result.data.find((s) => s.current)!.id;
  });

  function query(procedure: string, withCookie: string, headers: Record<string, string> = {}) {
    return fetch(`${web.url}/api/trpc/${procedure}`, { headers: { cookie: withCookie, ...headers } });
  }
  function revokeOther(headers: Record<string, string>) {
    return fetch(`${web.url}/api/trpc/account.revokeSession`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, ...headers },
      body: JSON.stringify({ sessionId: otherSessionId }),
    });
  }
  const otherSessionAlive = async () => (await query('account.sessions', otherCookie)).status === 200;

  it('refuses a tRPC mutation with a foreign Origin and a valid cookie, without running it', async () => {
    const res = await revokeOther({ origin: evil });
    expect(res.status).toBe(403);
    expect(await otherSessionAlive()).toBe(true);
  });

  it('refuses Origin: null, a foreign Referer without Origin, and cookies with neither header', async () => {
    expect((await revokeOther({ origin: 'null' })).status).toBe(403);
    expect((await revokeOther({ referer: `${evil}/page` })).status).toBe(403);
    expect((await revokeOther({})).status).toBe(403);
    expect(await otherSessionAlive()).toBe(true);
  });

  it('refuses a route handler mutation (next-auth sign-out) from a foreign origin', async () => {
    const res = await fetch(`${web.url}/api/auth/signout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: otherCookie, origin: evil },
      body: 'json=true',
      redirect: 'manual',
    });
    expect(res.status).toBe(403);
    expect(await otherSessionAlive()).toBe(true);
  });

  it('still answers GET queries whatever their Origin', async () => {
    const res = await query('account.me', cookie, { origin: evil });
    expect(res.status).toBe(200);
  });

  it('lets a cookieless client with neither header through (it has nothing to forge)', async () => {
    const res = await fetch(`${web.url}/api/trpc/auth.preLogin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'nobody' }),
    });
    expect(res.status).toBe(200);
  });

  it('runs the mutation when Origin, or else Referer, is the app itself', async () => {
    const byReferer = await fetch(`${web.url}/api/trpc/auth.preLogin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, referer: `${web.url}/settings` },
      body: JSON.stringify({ username: 'nobody' }),
    });
    expect(byReferer.status).toBe(200);
    const res = await revokeOther({ origin: web.url });
    expect(res.status).toBe(200);
    expect(await otherSessionAlive()).toBe(false);
  });
});
