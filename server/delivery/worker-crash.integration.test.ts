import { queueTestMail } from '../../testing/outgoing-mail';
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findOutbound, findStrandedOutbound, listRecipients } from '../../db/repositories/outbound.repository';
import { systemClock } from '../clock';
import { outboundQueue, startBoss } from '../jobs/boss';
import { type LoopbackDns, type LoopbackZone, startLoopbackDns } from '../../testing/loopback-dns';
import { createTestUser } from '../../testing/factories';
import { SINK_HOST, routeToSink } from '../../testing/outbound/harness';
import { useIsolatedDb } from '../../testing/outbound/isolated-db';
import { type SinkReply, type SmtpSink, startSmtpSink } from '../../testing/outbound/smtp-sink';

/**
 * The worker role as a real child process (server/jobs/main.ts), killed with SIGKILL while the
 * receiving server holds its reply to one recipient's DATA. The next worker must deliver what was
 * left, and only that. The one documented duplicate: the recipient whose transaction was in flight
 * (the remote server had the whole message but the 250 never reached the dead worker) gets it
 * again; a recipient whose 250 was recorded never does.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const isolated = useIsolatedDb();
const zone: LoopbackZone = { [SINK_HOST]: { A: ['127.0.0.1'] } };
let dns: LoopbackDns;
let sink: SmtpSink;
let boss: PgBoss;
const children: ChildProcess[] = [];
let releaseHeld: (reply: SinkReply) => void = () => undefined;

beforeAll(async () => {
  dns = await startLoopbackDns(zone);
  sink = await startSmtpSink();
  boss = await startBoss(isolated.url(), 'sender');
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  releaseHeld({ code: 250, message: 'OK' });
  await boss?.stop({ graceful: false, close: true, wait: true });
  await sink?.close();
  await dns?.close();
});

/** Starts the worker role and resolves once it logs "worker ready". */
function startWorker(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/jobs/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: isolated.url(),
      DNS_SERVERS: dns.address,
      OUTBOUND_SMTP_PORT: String(sink.port),
      MAIL_DOMAIN: 'localhost',
      LOG_LEVEL: 'info',
      SEALPOST_ROLE: 'worker',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('"worker ready"')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}:\n${output}`)));
  });
}

describe('a worker killed mid-delivery', () => {
  it('leaves the next worker to finish: delivered once, plus the one documented duplicate for the recipient in flight', async () => {
    const db = isolated.db();
    const user = await createTestUser(db);
    routeToSink(zone, 'one.test');
    routeToSink(zone, 'two.test');
    const held = 'b@two.test';
    sink.script.data = (message) => {
      if (!message.recipients.includes(held) || sink.to(held).length > 1) return undefined;
      return new Promise<SinkReply>((resolve) => (releaseHeld = resolve)); // the first DATA to b is never answered
    };

    const first = await startWorker();
    const sent = await queueTestMail(db, outboundQueue(boss), systemClock, user.account, {
      from: user.account.address,
      to: ['a@one.test', held],
      cc: [],
      bcc: [],
      subject: 'Crash test',
      text: 'Hello',
      sendAt: systemClock.now(),
    });

    // a@one.test got its 250 and the worker recorded it; b@two.test's DATA is in, its reply held.
    await sink.waitFor((all) => all.some((m) => m.recipients.includes(held)));
    await expect
      .poll(async () => (await listRecipients(db, [sent.id])).map((r) => [r.address, r.status]), { timeout: 20_000, interval: 50 })
      .toEqual([
        ['a@one.test', 'delivered'],
        [held, 'sending'],
      ]);
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    expect((await findOutbound(db, sent.id))!.status).toBe('sending');
    // PostgreSQL ends the dead worker's session, and with it the message's advisory lock.
    await expect
      .poll(async () => (await findStrandedOutbound(db, new Date(), 60_000, 100)).map((r) => r.id), { timeout: 10_000, interval: 50 })
      .toContain(sent.id);

    const second = await startWorker();
    await expect.poll(async () => (await findOutbound(db, sent.id))!.status, { timeout: 20_000, interval: 50 }).toBe('delivered');
    expect(sink.to('a@one.test')).toHaveLength(1);
    expect(sink.to(held).map((m) => m.reply)).toEqual([null, 250]);
    const recipients = await listRecipients(db, [sent.id]);
    expect(recipients.map((r) => [r.address, r.status, r.attempts])).toEqual([
      ['a@one.test', 'delivered', 1],
      [held, 'delivered', 1],
    ]);
    const row = (await findOutbound(db, sent.id))!;
    expect(row.attempts).toBe(2);
    expect(row.sealed_mime).toBeNull();

    second.kill('SIGTERM');
    await new Promise((resolve) => second.once('exit', resolve));
  });
});
