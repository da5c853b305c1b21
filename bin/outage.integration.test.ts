import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../db/client';
import { freePort } from '../db/embedded';
import { reloadEnv } from '../server/env';
import { createTestUser } from '../testing/factories';
import { type LoopbackDns, startLoopbackDns } from '../testing/loopback-dns';
import { RawSmtpClient, sendTransaction } from '../testing/smtp-raw-client';
import { type OwnCluster, startOwnCluster } from '../testing/own-cluster';

/**
 * `npm start` through a database outage, with real processes: PostgreSQL really stopped (fast
 * shutdown) and started again. The outage is short here; bench/db-outage.ts runs the full 20 s.
 */
const root = path.resolve(import.meta.dirname, '..');
let dns: LoopbackDns;
const cleanups: (() => Promise<void> | void)[] = [];
beforeAll(async () => {
  dns = await startLoopbackDns({ 'sender.example': { TXT: ['v=spf1 ip4:127.0.0.1 -all'] } });
});
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await dns?.close();
});

interface Started {
  child: ChildProcess;
  dataDir: string;
  port: number;
  lines: string[];
  logged(msg: string): Record<string, unknown>[];
}

async function startSealpost(env: Record<string, string>, options: { waitReady?: boolean } = {}): Promise<Started> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sealpost-outage-'));
  chmodSync(dataDir, 0o755);
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/sealpost.ts', 'start', 'smtp', 'worker'], {
    cwd: root,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(port),
      DNS_SERVERS: dns.address,
      LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT_MS: '1000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const lines: string[] = [];
  let partial = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString('utf8')).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
  });
  cleanups.push(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });
  const logged = (msg: string) => lines.filter((l) => l.includes(`"msg":"${msg}"`)).map((l) => JSON.parse(l) as Record<string, unknown>);
  const started: Started = { child, dataDir, port, lines, logged };
  if (options.waitReady !== false) await untilReady(started);
  return started;
}

function untilReady(sealpost: Started) {
  return until(
    () => sealpost.logged('smtp listening').length > 0 && sealpost.logged('worker ready').length > 0,
    90_000,
    () => sealpost.child.exitCode !== null,
  );
}

/** Polls until the condition holds; a process that exited meanwhile shows as the poll's last value. */
async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, failed: () => boolean = () => false) {
  await expect.poll(async () => (failed() ? 'process exited' : (await condition()) ? 'done' : 'waiting'), { timeout: timeoutMs, interval: 100 }).toBe('done');
}

/** One delivery attempt: the code that ended it (a refusal at any step, or the final reply). */
async function deliver(port: number, to: string): Promise<number> {
  const { client } = await RawSmtpClient.connect(port);
  try {
    await client.command('EHLO outage.example');
    const tx = await sendTransaction(client, { from: 'someone@sender.example', to: [to] }, Buffer.from('Subject: outage\r\n\r\nhello\r\n'));
    return [tx.mail, ...tx.rcpt, tx.data, tx.final].find((r) => r && r.code >= 400)?.code ?? tx.final!.code;
  } finally {
    client.close();
  }
}

/** Seconds until a delivery gets 250 again, trying every 200 ms. */
async function secondsToFirst250(port: number, to: string): Promise<number> {
  const started = Date.now();
  await until(async () => (await deliver(port, to).catch(() => 0)) === 250, 30_000);
  return (Date.now() - started) / 1000;
}

describe('a database outage', () => {
  it('with an external DATABASE_URL: 451 meanwhile, no role exits, and mail flows again on its own', async () => {
    const cluster: OwnCluster = await startOwnCluster();
    cleanups.push(() => cluster.destroy());
    const db = createDb(cluster.url, { max: 1 });
    cleanups.push(() => db.destroy());
    process.env.MAIL_DOMAIN = 'localhost';
    const user = await createTestUser(db);
    const to = `${user.username}@localhost`;
    const sealpost = await startSealpost({ DATABASE_URL: cluster.url });
    process.env.DATABASE_URL = cluster.url;
    reloadEnv();
    const { GET: health } = await import('../app/api/health/route');

    expect(await deliver(sealpost.port, to)).toBe(250);
    expect((await health()).status).toBe(200);

    await cluster.stopFast();
    const { client } = await RawSmtpClient.connect(sealpost.port);
    await client.command('EHLO outage.example');
    await client.command('MAIL FROM:<someone@sender.example>');
    const refused = await client.command(`RCPT TO:<${to}>`);
    client.close();
    expect(refused.text).toMatch(/^451 4\.3\.0 /);
    expect((await health()).status).toBe(503);
    // The worker notices (its presence session ends) and waits instead of exiting.
    await until(() => sealpost.logged('worker presence session lost; stopping job handlers until the database answers again').length > 0, 15_000);
    await until(() => sealpost.logged('worker could not start its session (database unreachable?); retrying').length > 0, 15_000);

    await cluster.start();
    expect(await secondsToFirst250(sealpost.port, to)).toBeLessThan(5);
    await until(async () => (await health()).status === 200, 10_000);
    await until(() => sealpost.logged('worker ready').length >= 2, 40_000);
    expect(sealpost.logged('role exited unexpectedly; restarting it')).toEqual([]);
    expect(sealpost.child.exitCode).toBeNull();
  });

  it('with the embedded database: the supervisor starts PostgreSQL again itself and the roles carry on', async () => {
    const sealpost = await startSealpost({ DATABASE_URL: '' });
    const { databaseUrl } = JSON.parse(readFileSync(path.join(sealpost.dataDir, 'sealpost.pid'), 'utf8')) as { databaseUrl: string };
    const db = createDb(databaseUrl, { max: 1 });
    cleanups.push(() => db.destroy());
    const user = await createTestUser(db);
    const to = `${user.username}@localhost`;
    expect(await deliver(sealpost.port, to)).toBe(250);

    const postmaster = Number(readFileSync(path.join(sealpost.dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
    process.kill(postmaster, 'SIGINT');
    await until(
      () => sealpost.logged('embedded PostgreSQL restarted').length > 0,
      30_000,
      () => sealpost.child.exitCode !== null,
    );
    expect(sealpost.logged('embedded PostgreSQL exited; restarting it')).toHaveLength(1);
    expect(await secondsToFirst250(sealpost.port, to)).toBeLessThan(5);
    await until(() => sealpost.logged('worker ready').length >= 2, 40_000);
    expect(sealpost.logged('role exited unexpectedly; restarting it')).toEqual([]);
  });

  it('with an external DATABASE_URL that is down at start-up: waits for it, then starts the roles', async () => {
    const cluster = await startOwnCluster();
    cleanups.push(() => cluster.destroy());
    await cluster.stopFast();
    const sealpost = await startSealpost({ DATABASE_URL: cluster.url }, { waitReady: false });
    await until(
      () => sealpost.logged('database not reachable; waiting for it').length > 0,
      30_000,
      () => sealpost.child.exitCode !== null,
    );
    await cluster.start();
    await untilReady(sealpost);
    expect(sealpost.logged('role exited unexpectedly; restarting it')).toEqual([]);
  });
});
