import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../db/embedded';
import { useTestDb } from '../../testing/db';
import { createTestUser, type TestUser } from '../../testing/factories';
import { type LoopbackDns, startLoopbackDns } from '../../testing/loopback-dns';
import { type RoleProcess, listeningPort, spawnRole } from '../../testing/roles';

/**
 * Debian's real Prometheus scrapes a running smtp role (behind METRICS_TOKEN, as deploy/ configures
 * it) and a PromQL query sees the accepted-messages counter move after mail arrives.
 */
const db = useTestDb();
const TOKEN = 'metrics-token-0123456789abcdef';
let user: TestUser;
let dns: LoopbackDns;
let dir: string;
let smtp: RoleProcess;
let smtpPort: number;
let metricsPort: number;
let prometheus: ChildProcess;
let promUrl: string;

beforeAll(async () => {
  user = await createTestUser(db);
  dns = await startLoopbackDns();
  dir = mkdtempSync(path.join(os.tmpdir(), 'sealpost-prom-'));
  metricsPort = await freePort();
  smtp = spawnRole('smtp', {
    DATABASE_URL: inject('databaseUrl'),
    DATA_DIR: dir,
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: '0',
    DNS_SERVERS: dns.address,
    MAIL_DOMAIN: 'localhost',
    // The smtp role listens on METRICS_PORT + 1.
    METRICS_PORT: String(metricsPort - 1),
    METRICS_TOKEN: TOKEN,
  });
  smtpPort = listeningPort(await smtp.waitFor('"smtp listening"'));
  await smtp.waitFor('"metrics listening"');

  writeFileSync(path.join(dir, 'token'), TOKEN);
  writeFileSync(
    path.join(dir, 'prometheus.yml'),
    [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      'scrape_configs:',
      '  - job_name: sealpost-smtp',
      `    authorization: { credentials_file: ${path.join(dir, 'token')} }`,
      `    static_configs: [{ targets: ["127.0.0.1:${metricsPort}"] }]`,
      '',
    ].join('\n'),
  );
  const promPort = await freePort();
  promUrl = `http://127.0.0.1:${promPort}`;
  prometheus = spawn(
    'prometheus',
    [`--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${promPort}`],
    { stdio: 'ignore' },
  );
});

afterAll(async () => {
  prometheus?.kill('SIGTERM');
  await smtp?.stop();
  await dns?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function query(promql: string): Promise<number | undefined> {
  const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(promql)}`).catch(() => undefined);
  if (!res?.ok) return undefined;
  const body = (await res.json()) as { data: { result: { value: [number, string] }[] } };
  const value = body.data.result[0]?.value[1];
  return value === undefined ? undefined : Number(value);
}

describe('metrics', () => {
  it('refuses a scrape without the bearer token', async () => {
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(res.status).toBe(401);
    const ok = await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const text = await ok.text();
    expect(text).toContain('sealpost_process_cpu_user_seconds_total{role="smtp"}');
    expect(text).toContain('sealpost_db_pool_connections{state="in_use",role="smtp"}');
  });

  it('Prometheus scrapes the smtp role and sees accepted mail move the counter', async () => {
    // Scraped at least once before the mail, so the increase is measured from a known value.
    await expect.poll(() => query('up{job="sealpost-smtp"}'), { timeout: 30_000, interval: 250 }).toBe(1);
    const before = await query('sealpost_smtp_messages_accepted_total');
    expect(before).toBe(0);

    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
    const info = await transport.sendMail({ from: 'someone@example.org', to: `${user.username}@localhost`, subject: 'metrics', text: 'hello' });
    expect(info.response).toMatch(/^250 /);

    await expect.poll(() => query('sealpost_smtp_messages_accepted_total'), { timeout: 30_000, interval: 250 }).toBe(1);
    expect(await query('sum(sealpost_smtp_replies_total{class="2xx"})')).toBeGreaterThanOrEqual(4);
    expect(await query('sealpost_smtp_accept_duration_seconds_count')).toBe(1);
    expect(await query('sealpost_smtp_encrypt_duration_seconds_count{result="sealed"}')).toBe(1);
  });
});

describe('worker metrics', () => {
  it('shows queue depth by state and dead letters, and answers /api/health', async () => {
    const port = await freePort();
    const worker = spawnRole('worker', { DATABASE_URL: inject('databaseUrl'), DATA_DIR: dir, METRICS_PORT: String(port - 2), DNS_SERVERS: dns.address });
    try {
      await worker.waitFor('"worker ready"');
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(text).toMatch(/^sealpost_queue_jobs\{queue="[a-z-]+",state="[a-z]+",role="worker"\} \d+$/m);
      expect(text).toMatch(/^sealpost_dead_letters\{role="worker"\} \d+$/m);
      expect(text).toContain('# TYPE sealpost_delivery_attempt_duration_seconds histogram');
      // The probe Kubernetes and compose use for a role without an HTTP port of its own.
      const health = await fetch(`http://127.0.0.1:${port}/api/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok', db: 'ok' });
    } finally {
      expect(await worker.stop()).toBe(0);
    }
  });
});
