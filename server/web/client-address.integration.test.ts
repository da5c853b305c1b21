import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveFromPassword, toBase64 } from '../../crypto';
import { useTestDb } from '../../testing/db';
import { type WebServer, startWebServer } from '../../testing/web-server';
import { createTestUser } from '../../testing/factories';
import { nextAuthSignIn, trpcCall } from '../../testing/http';

/**
 * Over real HTTP against the web role: the client address that sign-in limits, the sessions list
 * and the audit log use is the socket's, unless a trusted proxy forwarded the request.
 */
const db = useTestDb();
const METRICS_TOKEN = 'web-workers-metrics-token-0123';
let direct: WebServer;
let behindProxy: WebServer;
beforeAll(async () => {
  // The same machine twice: once reached directly, once as if behind a proxy on loopback, that one
  // as two processes on one port (WEB_WORKERS), so the sign-in limit below is shown to hold across them.
  [direct, behindProxy] = await Promise.all([
    startWebServer({ MAIL_DOMAIN: 'localhost', SECRET_KEY: process.env.SECRET_KEY! }),
    startWebServer({ MAIL_DOMAIN: 'localhost', SECRET_KEY: process.env.SECRET_KEY!, TRUSTED_PROXIES: '127.0.0.0/8,::1', WEB_WORKERS: '2', METRICS_TOKEN }),
  ]);
}, 120_000);
afterAll(() => {
  direct?.stop();
  behindProxy?.stop();
});

async function authKeyFor(baseUrl: string, username: string, password: string): Promise<string> {
  const { body } = await trpcCall(baseUrl, 'mutation', 'auth.preLogin', { username });
  const { challenge: _challenge, ...kdf } = body.result.data;
  return (await deriveFromPassword(password, kdf)).authKey;
}

const ipsOf = async (userId: string) => ({
  sessions: (await db.selectFrom('sessions').select('ip').where('user_id', '=', userId).execute()).map((r) => r.ip),
  audit: (await db.selectFrom('audit_log').select('ip').where('user_id', '=', userId).where('event', 'like', 'login.%').execute()).map((r) => r.ip),
});

describe('the client address', () => {
  it('ignores an X-Forwarded-For the client wrote: the sessions list and audit log get the socket address', async () => {
    const user = await createTestUser(db);
    const authKey = await authKeyFor(direct.url, user.username, user.password);
    const forged = { 'x-forwarded-for': '203.0.113.77', 'x-sealpost-client-ip': '203.0.113.78' };
    expect((await nextAuthSignIn(direct.url, { username: user.username, authKey: toBase64(new Uint8Array(32)) }, forged)).error).not.toBeNull();
    expect((await nextAuthSignIn(direct.url, { username: user.username, authKey }, forged)).error).toBeNull();
    const ips = await ipsOf(user.account.id);
    expect(ips.sessions).toEqual(['127.0.0.1']);
    expect(ips.audit).toEqual(['127.0.0.1', '127.0.0.1']);
  });

  it('behind a trusted proxy, takes the address the proxy appended, not what the client put before it', async () => {
    const user = await createTestUser(db);
    const authKey = await authKeyFor(behindProxy.url, user.username, user.password);
    const { error } = await nextAuthSignIn(behindProxy.url, { username: user.username, authKey }, { 'x-forwarded-for': '203.0.113.77, 198.51.100.23' });
    expect(error).toBeNull();
    expect((await ipsOf(user.account.id)).sessions).toEqual(['198.51.100.23']);
  });

  it('keeps the per-client sign-in limit however fresh the forged part of X-Forwarded-For is', async () => {
    const client = `198.51.100.${100 + Math.floor(Math.random() * 100)}`;
    const zero = toBase64(new Uint8Array(32));
    for (let i = 0; i < 20; i++) {
      const headers = { 'x-forwarded-for': `10.${i}.${randomBytes(1)[0]}.1, ${client}` };
      const { error } = await nextAuthSignIn(behindProxy.url, { username: `spray${i}x${randomBytes(3).toString('hex')}`, authKey: zero }, headers);
      expect(error).toBe('Wrong username or password.');
    }
    const { error } = await nextAuthSignIn(
      behindProxy.url,
      { username: `spray${randomBytes(3).toString('hex')}`, authKey: zero },
      { 'x-forwarded-for': `172.16.9.9, ${client}` },
    );
    expect(error).toMatch(/^Too many sign-in attempts\. Try again in 1[45] minutes\.$/);
  });

  it('with WEB_WORKERS=2, runs two processes on one port and answers /metrics for both', async () => {
    // The primary's children that are the web role (Next may start helper processes of its own).
    const workers = readdirSync('/proc').filter(
      (pid) => /^\d+$/.test(pid) && parentOf(pid) === behindProxy.child.pid && commandOf(pid).includes('web/main.ts'),
    );
    expect(workers).toHaveLength(2);
    const answered = async () => {
      const res = await fetch(`${behindProxy.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(res.status).toBe(200);
      return Number(/^sealpost_web_http_requests_total\{class="2xx",role="web"\} (\d+)$/m.exec(await res.text())?.[1] ?? 0);
    };
    const before = await answered();
    // A new connection each time: the cluster hands connections to its workers in turn.
    const statuses = await Promise.all(Array.from({ length: 8 }, () => getOnNewConnection(`${behindProxy.url}/api/trpc/auth.config`)));
    expect(statuses).toEqual(Array(8).fill(200));
    // About half reached each worker: only a count merged from both has all eight.
    expect((await answered()) - before).toBeGreaterThanOrEqual(8);
  });
});

function parentOf(pid: string): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined; // gone while we looked
  }
}

function commandOf(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

function getOnNewConnection(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent: false }, (res) => resolve(res.resume().statusCode ?? 0)).on('error', reject);
  });
}
