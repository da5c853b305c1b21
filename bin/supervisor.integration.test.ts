import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../db/embedded';
import type { Logger } from '../server/logger';
import { createTestUser, type TestUser } from '../testing/factories';
import { RawSmtpClient } from '../testing/smtp-raw-client';
import { useTestDb } from '../testing/db';
import { killAfterMs, Supervisor } from './supervisor';

/** The Supervisor with real child processes: restarts that never give up, and shutdown deadlines. */
const root = path.resolve(import.meta.dirname, '..');
const db = useTestDb();
let user: TestUser;
let dataDir: string;
beforeAll(async () => {
  user = await createTestUser(db);
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'sealpost-supervisor-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function capturedLogger() {
  const entries: Record<string, unknown>[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void entries.push(JSON.parse(line)) }) as unknown as Logger;
  return { log, entries };
}

async function until(condition: () => boolean, timeoutMs = 20_000) {
  await expect.poll(condition, { timeout: timeoutMs, interval: 20 }).toBe(true);
}

describe('Supervisor', () => {
  it('keeps restarting a role that keeps dying, with growing delays, and leaves the other roles running', async () => {
    const { log, entries } = capturedLogger();
    const supervisor = new Supervisor(log, { stopTimeoutMs: 2_000, restartDelayMs: 20, maxRestartDelayMs: 80 });
    const env = { ...process.env };
    supervisor.start({ name: 'steady', command: process.execPath, args: ['-e', 'setInterval(() => {}, 1000)'], env });
    supervisor.start({ name: 'crashing', command: process.execPath, args: ['-e', 'process.exit(3)'], env });
    try {
      const exits = () => entries.filter((e) => e.msg === 'role exited unexpectedly; restarting it');
      // The old supervisor stopped everything at the sixth exit within a minute.
      await until(() => exits().length >= 10);
      expect(exits().every((e) => e.child === 'crashing' && e.code === 3)).toBe(true);
      expect(
        exits()
          .slice(0, 4)
          .map((e) => e.restartInMs),
      ).toEqual([20, 40, 80, 80]);
      expect(entries.filter((e) => e.msg === 'role started' && e.child === 'steady')).toHaveLength(1);
    } finally {
      await supervisor.stopAll();
    }
    expect(entries.find((e) => e.msg === 'role stopped' && e.child === 'steady')).toMatchObject({ signal: 'SIGTERM' });
  });

  it('stops the smtp role within its own deadline: a transaction left open gets 421, and nothing is killed', async () => {
    const { log, entries } = capturedLogger();
    const shutdownTimeoutMs = 1_000;
    const supervisor = new Supervisor(log, { stopTimeoutMs: killAfterMs(shutdownTimeoutMs) });
    const port = await freePort();
    supervisor.start({
      name: 'smtp',
      command: process.execPath,
      args: ['--import', 'tsx', path.join(root, 'smtp', 'main.ts')],
      env: {
        ...process.env,
        DATABASE_URL: inject('databaseUrl'),
        DATA_DIR: dataDir,
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(port),
        SHUTDOWN_TIMEOUT_MS: String(shutdownTimeoutMs),
        DNS_SERVERS: '127.0.0.1:9', // never asked: the transaction doesn't reach the end of DATA
        SEALPOST_ROLE: 'smtp',
      },
    });
    let connected: RawSmtpClient | undefined;
    await expect
      .poll(
        async () =>
          (connected = await RawSmtpClient.connect(port).then(
            ({ client }) => client,
            () => undefined,
          )) !== undefined,
        {
          message: 'the smtp role listens',
          timeout: 60_000,
          interval: 100,
        },
      )
      .toBe(true);
    const client = connected!;
    await client.command('EHLO slow.example');
    await client.command('MAIL FROM:<slow@sender.example>');
    expect((await client.command(`RCPT TO:<${user.username}@localhost>`)).code).toBe(250);
    expect((await client.command('DATA')).code).toBe(354);
    client.write('Subject: never finished\r\n\r\npart of a body'); // no final dot: the transaction stays open

    const started = Date.now();
    const stopped = supervisor.stopAll();
    const reply = await client.read();
    expect(reply.code).toBe(421);
    expect(Date.now() - started).toBeGreaterThanOrEqual(shutdownTimeoutMs - 100);
    await stopped;
    expect(entries.find((e) => e.msg === 'role stopped')).toMatchObject({ child: 'smtp', code: 0, signal: null });
    expect(entries.some((e) => e.msg === 'role did not stop in time; killing it')).toBe(false);
  });
});
