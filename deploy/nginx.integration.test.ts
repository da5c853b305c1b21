import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../db/client';
import { freePort } from '../db/embedded';
import { systemClock } from '../server/clock';
import { outboundQueue, startBoss } from '../server/jobs/boss';
import { createTestUser, type TestUser } from '../testing/factories';
import { waitForHealth } from '../testing/health';
import { type LoopbackDns, startLoopbackDns } from '../testing/loopback-dns';
import { queueTestMail } from '../testing/outgoing-mail';
import { type SmtpSink, startSmtpSink } from '../testing/outbound/smtp-sink';
import { type OwnCluster, startOwnCluster } from '../testing/own-cluster';
import { listeningPort, type RoleProcess, spawnRole } from '../testing/roles';
import { signInOverHttp } from '../testing/web-session';

/**
 * deploy/nginx.conf, run by Debian's nginx on loopback (only addresses, ports and paths rewritten),
 * in front of two web nodes, with two smtp and two worker processes, all on one PostgreSQL. Needs
 * the built web app (scripts/test.sh builds it first).
 */
let pg: OwnCluster;
let db: Db;
let user: TestUser;
let dns: LoopbackDns;
let sink: SmtpSink;
let dir: string;
let nginx: ChildProcess;
let base: string;
const web: { role: RoleProcess; port: number }[] = [];
const smtp: { role: RoleProcess; port: number }[] = [];
const workers: RoleProcess[] = [];
const METRICS_TOKEN = 'nginx-test-metrics-token-0123';

/** One metric's value summed over both web nodes, read from their own port with the token. */
async function webMetric(pattern: RegExp): Promise<number> {
  let total = 0;
  for (const w of web) {
    const res = await fetch(`http://127.0.0.1:${w.port}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } }).catch(() => undefined);
    if (!res?.ok) continue;
    for (const line of (await res.text()).split('\n')) if (pattern.test(line)) total += Number(line.split(' ').at(-1));
  }
  return total;
}

// The client connects from 127.0.0.2, so the address the app records shows whose X-Forwarded-For it believed.
let agent: Agent;
const request = ((url: string, init?: RequestInit) => undiciFetch(url, { ...(init as object), dispatcher: agent })) as unknown as typeof fetch;

function nginxConfig(httpsPort: number, httpPort: number, webPorts: number[]): string {
  let conf = readFileSync(path.resolve(import.meta.dirname, 'nginx.conf'), 'utf8');
  const swap = (from: RegExp, to: string) => {
    if (!from.test(conf)) throw new Error(`deploy/nginx.conf no longer has ${from}: update this test`);
    conf = conf.replace(from, to);
  };
  swap(/server web1:3000/, `server 127.0.0.1:${webPorts[0]}`);
  swap(/server web2:3000/, `server 127.0.0.1:${webPorts[1]}`);
  swap(/listen 443 ssl http2;/, `listen 127.0.0.1:${httpsPort} ssl http2;`);
  swap(/listen 80;/, `listen 127.0.0.1:${httpPort};`);
  conf = conf.replace(/\n\s*listen \[::\]:\d+[^;]*;/g, '');
  swap(/\/etc\/nginx\/tls\//g, `${dir}/`);
  swap(/\/var\/log\/nginx\//g, `${dir}/`);
  swap(/\/run\/nginx\.pid/, `${dir}/nginx.pid`);
  swap(/server_name mail\.example\.com/, 'server_name 127.0.0.1');
  return conf;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sealpost-nginx-'));
  chmodSync(dir, 0o755);
  pg = await startOwnCluster();
  db = createDb(pg.url, { max: 2 });
  user = await createTestUser(db);
  dns = await startLoopbackDns();
  sink = await startSmtpSink();

  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      path.join(dir, 'privkey.pem'),
      '-out',
      path.join(dir, 'fullchain.pem'),
    ],
    { stdio: 'ignore' },
  );
  agent = new Agent({ localAddress: '127.0.0.2', connect: { ca: readFileSync(path.join(dir, 'fullchain.pem')) } });

  const httpsPort = await freePort();
  base = `https://127.0.0.1:${httpsPort}`;
  const shared = { DATABASE_URL: pg.url, DATA_DIR: dir, MAIL_DOMAIN: 'localhost', DNS_SERVERS: dns.address, LOG_LEVEL: 'info' };
  for (let i = 0; i < 2; i++) {
    const port = await freePort();
    web.push({
      role: spawnRole('web', { ...shared, PORT: String(port), PUBLIC_URL: base, NEXTAUTH_URL: base, TRUSTED_PROXIES: '127.0.0.1', METRICS_TOKEN }),
      port,
    });
    const s = spawnRole('smtp', { ...shared, SMTP_HOST: '127.0.0.1', SMTP_PORT: '0' });
    smtp.push({ role: s, port: listeningPort(await s.waitFor('"smtp listening"')) });
    workers.push(spawnRole('worker', { ...shared, SMTP_RELAY_URL: `smtp://127.0.0.1:${sink.port}`, OUTBOUND_CONCURRENCY: '4' }));
  }
  for (const w of web) await waitForHealth(`http://127.0.0.1:${w.port}/api/health`, w.role.child, 120_000);
  for (const w of workers) await w.waitFor('"worker ready"');

  mkdirSync(path.join(dir, 'acme'));
  writeFileSync(
    path.join(dir, 'nginx.conf'),
    nginxConfig(
      httpsPort,
      await freePort(),
      web.map((w) => w.port),
    ),
  );
  execFileSync('nginx', ['-t', '-p', dir, '-c', path.join(dir, 'nginx.conf')], { stdio: 'pipe' });
  nginx = spawn('nginx', ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
  // nginx is up once it answers; the health check then comes from one of the nodes.
  for (const until = Date.now() + 20_000; ; ) {
    const status = await request(`${base}/api/health`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) break;
    if (Date.now() > until) throw new Error(`nginx did not answer /api/health with 200 (last: ${status})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}, 240_000);

afterAll(async () => {
  nginx?.kill('SIGQUIT');
  await Promise.all([...web.map((w) => w.role.stop()), ...smtp.map((s) => s.role.stop()), ...workers.map((w) => w.stop())]);
  await agent?.close();
  await db?.destroy();
  await pg?.destroy();
  await dns?.close();
  await sink?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const query = async (cookie: string, procedure: string, headers: Record<string, string> = {}) => {
  const res = await request(`${base}/api/trpc/${procedure}`, { headers: { cookie, ...headers } });
  return { status: res.status, body: (await res.json()) as { result?: { data: unknown } } };
};

/** Reads an SSE response in the background; `events()` is how many events arrived so far. */
function readEvents(res: Response) {
  let text = '';
  const reader = res.body!.getReader();
  void (async () => {
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) return;
      text += Buffer.from(value!).toString('utf8');
    }
  })();
  return { events: () => (text.match(/^event: /gm) ?? []).length, close: () => reader.cancel() };
}

const upstreamsOf = (uri: string) =>
  readFileSync(path.join(dir, 'sealpost.access.log'), 'utf8')
    .split('\n')
    .filter((l) => l.includes(`"GET ${uri}"`))
    // After a retry nginx lists every node it tried; the last one answered.
    .map((l) => /upstream=(.*) rt=/.exec(l)?.[1]?.split(', ').at(-1));

describe('nginx in front of two web nodes, two smtp and two workers', () => {
  let cookie: string;

  it('signs in through nginx over TLS; believes X-Forwarded-For only from nginx; keeps /metrics and big bodies out', async () => {
    cookie = await signInOverHttp(base, base, user, request);
    const sessions = await query(cookie, 'account.sessions', { 'x-forwarded-for': '203.0.113.9' });
    expect(sessions.status).toBe(200);
    const current = (sessions.body.result!.data as { current: boolean; ip: string | null }[]).find((s) => s.current);
    // nginx saw 127.0.0.2 and said so; the address the client wrote was dropped.
    expect(current?.ip).toBe('127.0.0.2');
    expect((await request(`${base}/metrics`)).status).toBe(404);
    const big = await request(`${base}/api/trpc/compose.send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(41 * 1024 * 1024),
    });
    expect(big.status).toBe(413);
  });

  it('shows mail sent to either smtp node live on SSE held through either web node', async () => {
    const streams = [];
    for (let i = 0; i < 2; i++) {
      const res = await request(`${base}/api/mail/events`, { headers: { cookie, accept: 'text/event-stream' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      streams.push(readEvents(res));
    }
    for (const [i, node] of smtp.entries()) {
      const info = await nodemailer
        .createTransport({ host: '127.0.0.1', port: node.port, secure: false, ignoreTLS: true })
        .sendMail({ from: 'a@example.org', to: `${user.username}@localhost`, subject: `via smtp ${i}`, text: 'hi' });
      expect(info.response).toMatch(/^250 /);
      for (const stream of streams) await expect.poll(() => stream.events(), { timeout: 15_000 }).toBe(i + 1);
    }
    // The web role's metrics, recorded inside Next's bundle, show both streams and the tRPC calls.
    expect(await webMetric(/^sealpost_web_sse_clients\{/)).toBe(2);
    expect(await webMetric(/^sealpost_web_trpc_duration_seconds_count\{(?=.*procedure="account\.sessions")(?=.*result="ok")/)).toBe(1);
    for (const stream of streams) await stream.close();
    // The two streams were held through different web nodes (nginx logs a request when it ends).
    await expect.poll(() => new Set(upstreamsOf('/api/mail/events')).size, { timeout: 10_000 }).toBe(2);
  });

  it('delivers each outbound message exactly once with two workers', async () => {
    const boss = await startBoss(pg.url, 'sender');
    const subjects = Array.from({ length: 20 }, (_, i) => `outbound ${i}`);
    try {
      for (const subject of subjects) {
        await queueTestMail(db, outboundQueue(boss), systemClock, user.account, {
          from: user.account.address,
          to: ['friend@example.net'],
          cc: [],
          bcc: [],
          subject,
          text: subject,
          sendAt: new Date(Date.now() - 1000),
        });
      }
    } finally {
      await boss.stop({ graceful: false, wait: true });
    }
    await expect
      .poll(
        async () =>
          (await db.selectFrom('outbound_messages').select('id').where('user_id', '=', user.account.id).where('status', '=', 'delivered').execute()).length,
        { timeout: 60_000 },
      )
      .toBe(subjects.length);
    const received = sink.to('friend@example.net').map((m) => /^Subject: (.*)$/m.exec(m.raw.toString())?.[1]?.trim());
    expect(received.sort()).toEqual([...subjects].sort());
  });

  it('keeps the user signed in, on the other node, when one web node stops mid-session', async () => {
    expect((await query(cookie, 'account.me')).status).toBe(200);
    await web[0]!.role.stop();
    for (let i = 0; i < 6; i++) {
      const me = await query(cookie, 'account.me');
      expect(me.status).toBe(200);
      expect((me.body.result!.data as { username: string }).username).toBe(user.username);
    }
    const after = upstreamsOf('/api/trpc/account.me').slice(-6);
    expect(after.every((u) => u?.endsWith(`:${web[1]!.port}`))).toBe(true);
  });
});
