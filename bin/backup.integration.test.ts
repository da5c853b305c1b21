import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../db/client';
import { startEmbeddedPostgres, type EmbeddedCluster } from '../db/embedded';
import { systemClock } from '../server/clock';
import { outboundQueue, startBoss } from '../server/jobs/boss';
import { createTestUser, type TestUser } from '../testing/factories';
import { decryptText } from '../testing/mail';
import { type LoopbackDns, startLoopbackDns } from '../testing/loopback-dns';
import { queueTestMail } from '../testing/outgoing-mail';
import { type SmtpSink, startSmtpSink } from '../testing/outbound/smtp-sink';
import { type OwnCluster, startOwnCluster } from '../testing/own-cluster';
import { listeningPort, spawnRole } from '../testing/roles';

/**
 * `npm run cli -- backup` while the smtp role takes mail, then `restore` into a fresh DATA_DIR:
 * every message answered 250 before the backup started is there and decrypts, and the restored
 * instance takes mail and delivers outbound mail signed with the restored secret's DKIM key.
 */
const root = path.resolve(import.meta.dirname, '..');
const run = promisify(execFile);
const cli = (args: string[], env: Record<string, string | undefined>) =>
  run(process.execPath, ['--import', 'tsx', 'bin/cli.ts', ...args], { cwd: root, env: { ...process.env, LOG_LEVEL: 'warn', ...env } as NodeJS.ProcessEnv });

let source: OwnCluster;
let sourceDb: Db;
let user: TestUser;
let dns: LoopbackDns;
let sink: SmtpSink;
const dirs: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  chmodSync(dir, 0o755);
  dirs.push(dir);
  return dir;
};

beforeAll(async () => {
  source = await startOwnCluster();
  sourceDb = createDb(source.url, { max: 2 });
  user = await createTestUser(sourceDb);
  dns = await startLoopbackDns();
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sourceDb?.destroy();
  await source?.destroy();
  await dns?.close();
  await sink?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface Accepted {
  queueId: string;
  subject: string;
  at: number;
}

describe('backup and restore', () => {
  it('a backup taken under SMTP load restores every message answered 250 before it started, into an instance that takes and sends mail', async () => {
    const dataDir = tempDir('sealpost-backup-src-');
    const smtp = spawnRole('smtp', {
      DATABASE_URL: source.url,
      DATA_DIR: dataDir,
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: '0',
      DNS_SERVERS: dns.address,
      MAIL_DOMAIN: 'localhost',
    });
    const port = listeningPort(await smtp.waitFor('"smtp listening"'));

    // Four senders keep mail coming until the backup is done.
    const accepted: Accepted[] = [];
    let loading = true;
    let sent = 0;
    const sender = async () => {
      const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, pool: true, maxConnections: 1 });
      while (loading) {
        const subject = `load ${sent++}`;
        const info = await transport.sendMail({ from: 'load@example.org', to: `${user.username}@localhost`, subject, text: `body of ${subject}` });
        const queueId = /queued as (\S+)/.exec(info.response)?.[1];
        if (queueId) accepted.push({ queueId, subject, at: Date.now() });
      }
      transport.close();
    };
    const load = Promise.all([sender(), sender(), sender(), sender()]);
    await expect.poll(() => accepted.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(20);

    const file = path.join(tempDir('sealpost-backup-file-'), 'sealpost.backup');
    const passFile = path.join(path.dirname(file), 'pass');
    writeFileSync(passFile, 'correct horse battery staple\n');
    const backupStartedAt = Date.now();
    const before = accepted.filter((a) => a.at < backupStartedAt);
    const backup = await cli(['backup', file, '--passphrase-file', passFile], { DATABASE_URL: source.url, DATA_DIR: dataDir });
    const acceptedDuringBackup = accepted.length - before.length;
    loading = false;
    await load;
    await smtp.stop();
    expect(backup.stderr).toMatch(/table +\d+\/\d+ messages: \d+ rows/);
    expect(backup.stderr).toMatch(/Backup written: .*, encrypted\./);
    // The file says nothing in the clear beyond its header.
    const bytes = readFileSync(file);
    expect(bytes.includes(Buffer.from(user.username))).toBe(false);
    expect(bytes.subarray(0, 18).toString()).toBe('SEALPOST-BACKUP 1 ');

    // A wrong passphrase restores nothing and says why.
    const target = tempDir('sealpost-restore-');
    rmSync(target, { recursive: true });
    writeFileSync(`${passFile}.wrong`, 'not the passphrase at all\n');
    const wrong = await cli(['restore', file, '--passphrase-file', `${passFile}.wrong`], { DATABASE_URL: '', DATA_DIR: target }).catch((e) => e);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('Wrong passphrase');

    rmSync(target, { recursive: true, force: true });
    const restore = await cli(['restore', file, '--passphrase-file', passFile], { DATABASE_URL: '', DATA_DIR: target });
    expect(restore.stderr).toMatch(/Restored the backup of .*: \d+ tables, \d+ rows/);
    expect(readFileSync(path.join(target, 'secret.key'), 'utf8').trim()).toBe(process.env.SECRET_KEY);

    let restored: EmbeddedCluster | undefined;
    try {
      restored = await startEmbeddedPostgres({ dataDir: target });
      const db = createDb(restored.url, { max: 2 });
      try {
        const rows = await db.selectFrom('messages').select(['id', 'summary_ciphertext']).where('user_id', '=', user.account.id).execute();
        const byId = new Map(rows.map((r) => [r.id, r]));
        expect(before.length).toBeGreaterThanOrEqual(20);
        for (const message of before) {
          const row = byId.get(message.queueId);
          expect(row, `message ${message.subject} answered 250 before the backup`).toBeDefined();
          expect(JSON.parse(await decryptText(user, row!.summary_ciphertext)).subject).toBe(message.subject);
        }
        // Nothing is invented: what the backup holds was all accepted, and some mail came in while it ran.
        expect(rows.length).toBeLessThanOrEqual(accepted.length);
        expect(acceptedDuringBackup).toBeGreaterThan(0);

        // The restored instance takes mail...
        const smtp2 = spawnRole('smtp', {
          DATABASE_URL: restored.url,
          DATA_DIR: target,
          SMTP_HOST: '127.0.0.1',
          SMTP_PORT: '0',
          DNS_SERVERS: dns.address,
          MAIL_DOMAIN: 'localhost',
        });
        const worker = spawnRole('worker', {
          DATABASE_URL: restored.url,
          DATA_DIR: target,
          SMTP_RELAY_URL: `smtp://127.0.0.1:${sink.port}`,
          DNS_SERVERS: dns.address,
          MAIL_DOMAIN: 'localhost',
        });
        try {
          const port2 = listeningPort(await smtp2.waitFor('"smtp listening"'));
          const info = await nodemailer
            .createTransport({ host: '127.0.0.1', port: port2, secure: false, ignoreTLS: true })
            .sendMail({ from: 'after@example.org', to: `${user.username}@localhost`, subject: 'after restore', text: 'hi' });
          expect(info.response).toMatch(/^250 /);

          // ...and sends: queued on the restored database, delivered by its worker, DKIM-signed with
          // the instance key that only the restored secret opens.
          await worker.waitFor('"worker ready"');
          const boss = await startBoss(restored.url, 'sender');
          try {
            await queueTestMail(db, outboundQueue(boss), systemClock, user.account, {
              from: user.account.address,
              to: ['friend@example.net'],
              cc: [],
              bcc: [],
              subject: 'sent after restore',
              text: 'delivered by the restored worker',
              sendAt: new Date(Date.now() - 1000),
            });
          } finally {
            await boss.stop({ graceful: false, wait: true });
          }
          await sink.waitFor((messages) => messages.some((m) => m.recipients.includes('friend@example.net')), 30_000);
          const delivered = sink.to('friend@example.net')[0]!;
          expect(delivered.raw.toString()).toMatch(/^DKIM-Signature: /m);
          expect(delivered.raw.toString()).toContain('sent after restore');
        } finally {
          await smtp2.stop();
          await worker.stop();
        }
      } finally {
        await db.destroy();
      }
    } finally {
      await restored?.stop();
    }
  }, 180_000);
});
