import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestUser, type TestUser } from '../testing/factories';
import { type LoopbackDns, startLoopbackDns } from '../testing/loopback-dns';
import { useTestDb } from '../testing/db';
import { decryptStored, queuedId } from '../testing/smtp-harness';
import { dataPayload, RawSmtpClient } from '../testing/smtp-raw-client';
import { freePort } from '../db/embedded';

/** The role entry point as the supervisor runs it: `tsx smtp/main.ts`, stopped with SIGTERM. */
const db = useTestDb();
let user: TestUser;
let dns: LoopbackDns;
let dataDir: string;

beforeAll(async () => {
  user = await createTestUser(db);
  dns = await startLoopbackDns();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'sealpost-smtp-main-'));
});
afterAll(async () => {
  await dns?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

interface Role {
  child: ChildProcess;
  port: number;
  lines: string[];
  exited: Promise<number | null>;
  /** Resolves once a stdout line contains `text`. */
  waitFor(text: string): Promise<void>;
}

async function startRole(extraEnv: Record<string, string>): Promise<Role> {
  const port = await freePort();
  const child = spawn(path.resolve('node_modules/.bin/tsx'), ['smtp/main.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: inject('databaseUrl'),
      DATA_DIR: dataDir,
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(port),
      DNS_SERVERS: dns.address,
      MAIL_DOMAIN: 'localhost',
      LOG_LEVEL: 'info',
      SEALPOST_ROLE: 'smtp',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const watchers: { text: string; resolve: () => void }[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    lines.push(...parts);
    for (const watcher of [...watchers]) {
      if (parts.some((line) => line.includes(watcher.text))) {
        watchers.splice(watchers.indexOf(watcher), 1);
        watcher.resolve();
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => lines.push(chunk.toString('utf8')));
  const waitFor = (text: string) =>
    lines.some((line) => line.includes(text))
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => {
          watchers.push({ text, resolve });
          exited.then((code) => reject(new Error(`smtp/main.ts exited with ${code} before logging ${text}:\n${lines.join('\n')}`)));
        });
  await waitFor('"msg":"smtp listening"');
  return { child, port, lines, exited, waitFor };
}

function sendWithNodemailer(port: number, subject: string) {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, tls: { rejectUnauthorized: false } });
  return transport.sendMail({
    from: 'Node Mailer <nm@sender.example>',
    to: `${user.username}@localhost`,
    subject,
    text: 'sent by nodemailer',
  });
}

describe('smtp/main.ts', () => {
  it('listens, logs one line, makes a self-signed certificate, and on SIGTERM finishes the transaction in flight before exiting 0', async () => {
    const role = await startRole({});
    expect(role.lines.filter((line) => line.includes('smtp listening'))).toHaveLength(1);
    expect(JSON.parse(role.lines.find((line) => line.includes('smtp listening'))!)).toMatchObject({ port: role.port, tls: 'self-signed', role: 'smtp' });
    expect(existsSync(path.join(dataDir, 'tls', 'smtp.pem'))).toBe(true);

    const info = await sendWithNodemailer(role.port, 'hello from nodemailer');
    expect(info.accepted).toEqual([`${user.username}@localhost`]);
    const stored = await decryptStored(db, user, queuedId({ code: 250, text: info.response }));
    expect(stored.summary.subject).toBe('hello from nodemailer');

    const { client } = await RawSmtpClient.connect(role.port);
    await client.command('EHLO inflight.example');
    await client.command('MAIL FROM:<late@sender.example>');
    await client.command(`RCPT TO:<${user.username}@localhost>`);
    expect((await client.command('DATA')).code).toBe(354);
    const message = Buffer.from('Subject: in flight at shutdown\r\n\r\nstill delivered\r\n');
    client.write(message.subarray(0, 20));

    role.child.kill('SIGTERM');
    await role.waitFor('"msg":"smtp stopping"');
    client.write(dataPayload(message).subarray(20));
    const reply = await client.read();
    expect((await decryptStored(db, user, queuedId(reply))).summary.subject).toBe('in flight at shutdown');
    expect((await client.read()).text).toBe('421 4.3.2 Server shutting down, try again later');
    expect(await role.exited).toBe(0);
  });

  it('runs SMTP_WORKERS processes on one port and stops them all on SIGTERM', async () => {
    const role = await startRole({ SMTP_WORKERS: '2' });
    expect(role.lines.filter((line) => line.includes('smtp listening'))).toHaveLength(1);
    const results = await Promise.all([1, 2, 3, 4].map((n) => sendWithNodemailer(role.port, `worker test ${n}`)));
    for (const info of results) expect(info.response).toMatch(/^250 2\.0\.0 Ok: queued as /);
    role.child.kill('SIGTERM');
    expect(await role.exited).toBe(0);
  });

  it('refuses to start without DATABASE_URL', async () => {
    await expect(startRole({ DATABASE_URL: '' })).rejects.toThrow(/exited with 1 before logging[\s\S]*DATABASE_URL/);
  });
});
