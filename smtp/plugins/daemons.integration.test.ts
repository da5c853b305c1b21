import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { countMessages } from '../../db/repositories/message.repository';
import { env, filterSettingsFrom, parseEnv } from '../../server/env';
import { createTestUser, type TestUser } from '../../testing/factories';
import { createDb, timeoutsFor } from '../../db/client';
import { type Clamd, EICAR, EICAR_SIGNATURE, GTUBE, type Rspamd, startClamd, startRspamd } from '../../testing/filter-daemons';
import type { LoopbackZone } from '../../testing/loopback-dns';
import { decryptStored, queuedId, type Sidecar, startSidecar } from '../../testing/smtp-harness';
import { sendTransaction } from '../../testing/smtp-raw-client';
import { pluginsFromSettings } from './setup';

/**
 * The built-in plugins against the real daemons (Debian's rspamd and clamd, started here on
 * loopback with their own configuration), over real SMTP, configured the way start-up does it:
 * from environment variables through the validated schema.
 */
// Longer database timeouts than the default: rspamd's start takes the CPU for a while, and new
// connections made meanwhile on a busy machine would time out. What is tested here is the plugins.
const db = createDb(inject('databaseUrl'), { max: 5, timeouts: timeoutsFor(20_000, 30_000) });
process.env.DATABASE_URL = inject('databaseUrl');
const mailDomain = env().MAIL_DOMAIN;
let rspamd: Rspamd;
let clamd: Clamd;
let bob: TestUser;
let alice: TestUser;

const ZONE: LoopbackZone = {
  'quarantine.example': { TXT: ['v=spf1 ip4:192.0.2.1 -all'] },
  '_dmarc.quarantine.example': { TXT: ['v=DMARC1; p=quarantine'] },
  'reject.example': { TXT: ['v=spf1 ip4:192.0.2.1 -all'] },
  '_dmarc.reject.example': { TXT: ['v=DMARC1; p=reject'] },
  'sender.example': { TXT: ['v=spf1 ip4:127.0.0.1 -all'] },
};

async function sidecarWith(vars: Record<string, string>): Promise<Sidecar> {
  const settings = filterSettingsFrom(
    parseEnv({ PLUGINS: 'dmarc,rspamd,clamav', RSPAMD_URL: rspamd.url, CLAMD_SOCKET: clamd.socket, RSPAMD_TIMEOUT_MS: '8000', ...vars }),
  );
  return startSidecar(db, {
    zone: ZONE,
    config: { replyTimeoutMs: 20_000 },
    plugins: (logger) => pluginsFromSettings(settings, { db, mailDomain, logger }),
  });
}

let sidecar: Sidecar;
beforeAll(async () => {
  // The daemons first: rspamd's start takes the CPU for a few seconds.
  const started = await Promise.allSettled([startRspamd(), startClamd()]);
  if (started[0].status === 'fulfilled') rspamd = started[0].value;
  if (started[1].status === 'fulfilled') clamd = started[1].value;
  // One that started is stopped in afterAll even when the other failed.
  for (const result of started) if (result.status === 'rejected') throw result.reason;
  [alice, bob] = await Promise.all([createTestUser(db), createTestUser(db)]);
  sidecar = await sidecarWith({});
}, 120_000);
afterAll(async () => {
  await sidecar?.close();
  await Promise.all([rspamd?.stop(), clamd?.stop()]);
  await db.destroy();
});

let counter = 0;
function mail(from: string, body: string, extraHeaders: string[] = []): Buffer {
  counter++;
  return Buffer.from(
    [
      `From: Sender <${from}>`,
      `To: Bob <${bob.username}@${mailDomain}>`,
      `Subject: Filter test ${counter}`,
      'Date: Thu, 03 Dec 2026 10:00:00 +0000',
      `Message-ID: <filter-${counter}-${Date.now()}@${from.split('@')[1]}>`,
      'MIME-Version: 1.0',
      ...extraHeaders,
      '',
      body,
      '',
    ].join('\r\n'),
  );
}

const withAttachment = (content: string) =>
  [
    'This is a multi-part message.',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'The report is attached.',
    '--b1',
    'Content-Type: application/octet-stream; name="report.com"',
    'Content-Disposition: attachment; filename="report.com"',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from(content, 'latin1').toString('base64'),
    '--b1--',
  ].join('\r\n');

async function send(to: Sidecar, from: string, message: Buffer) {
  const client = await to.connectEhlo('mail.sender.example');
  try {
    const tx = await sendTransaction(client, { from, to: [`${bob.username}@${mailDomain}`] }, message);
    return tx.final ?? tx.data;
  } finally {
    client.close();
  }
}

describe('rspamd, clamav and dmarc against the real daemons', () => {
  it('a clean message lands in the Inbox, with the spam score inside the encrypted summary only', async () => {
    const reply = await send(sidecar, 'carol@sender.example', mail('carol@sender.example', 'Hello Bob, lunch on Friday?'));
    expect(reply.code).toBe(250);
    const stored = await decryptStored(db, bob, queuedId(reply));
    expect(stored.row.folder).toBe('inbox');
    expect(stored.summary.filter?.score).toEqual(expect.any(Number));
    expect(stored.summary.filter?.spamBy).toEqual([]);
    expect(stored.raw.toString('latin1')).toMatch(/\r\nX-Spam-Score: -?\d+\.\d\d\r\n/);
  });

  it('GTUBE is rejected with 550 5.7.1 at the default threshold, and lands in Spam under RSPAMD_REJECT_SCORE above its score', async () => {
    const reply = await send(sidecar, 'carol@sender.example', mail('carol@sender.example', `Buy now ${GTUBE}`));
    expect(reply.text).toBe('550 5.7.1 Message rejected as spam');

    const lenient = await sidecarWith({ RSPAMD_REJECT_SCORE: '100' });
    try {
      const stored = await send(lenient, 'carol@sender.example', mail('carol@sender.example', `Buy now ${GTUBE}`));
      expect(stored.code).toBe(250);
      const copy = await decryptStored(db, bob, queuedId(stored));
      expect(copy.row.folder).toBe('spam');
      expect(copy.summary.filter?.symbols).toContain('GTUBE');
      expect(copy.summary.filter?.spamBy).toEqual(['rspamd']);
    } finally {
      await lenient.close();
    }
  });

  it('EICAR gets 554 5.7.1 naming the signature, and nothing is stored', async () => {
    const before = (await countMessages(db, bob.account.id, 'inbox')).total;
    const reply = await send(
      sidecar,
      'carol@sender.example',
      mail('carol@sender.example', withAttachment(EICAR), ['Content-Type: multipart/mixed; boundary="b1"']),
    );
    expect(reply.text).toBe(`554 5.7.1 Message contains a virus: ${EICAR_SIGNATURE}`);
    expect((await countMessages(db, bob.account.id, 'inbox')).total).toBe(before);
  });

  it(`a forged From: <user>@${mailDomain} from outside gets 550 5.7.1`, async () => {
    const reply = await send(sidecar, 'mallory@sender.example', mail(`${alice.username}@${mailDomain}`, 'Please pay this invoice.'));
    expect(reply.text).toBe('550 5.7.1 Message claims to be from a domain hosted here but is not authenticated as such');
  });

  it('DMARC: p=quarantine lands in Spam with the failure in the summary; p=reject gets 550 5.7.1', async () => {
    const quarantined = await send(sidecar, 'news@quarantine.example', mail('news@quarantine.example', 'Our monthly newsletter.'));
    expect(quarantined.code).toBe(250);
    const copy = await decryptStored(db, bob, queuedId(quarantined));
    expect(copy.row.folder).toBe('spam');
    expect(copy.summary.auth.dmarc).toBe('fail');
    expect(copy.summary.filter?.spamBy).toContain('dmarc');

    const rejected = await send(sidecar, 'news@reject.example', mail('news@reject.example', 'Our monthly newsletter.'));
    expect(rejected.text).toBe("550 5.7.1 Message rejected: it fails the sender domain's DMARC policy");
  });

  it('clamd frozen: 451 under tempfail, stored untagged under pass; nothing lost, the role stays up', async () => {
    const fast = { CLAMD_TIMEOUT_MS: '1000' };
    const [strict, lenient] = await Promise.all([
      sidecarWith({ ...fast, PLUGINS: 'clamav', CLAMD_FAILURE: 'tempfail' }),
      sidecarWith({ ...fast, PLUGINS: 'clamav', CLAMD_FAILURE: 'pass' }),
    ]);
    clamd.freeze();
    try {
      const before = (await countMessages(db, bob.account.id, 'inbox')).total;
      const refused = await send(strict, 'carol@sender.example', mail('carol@sender.example', 'While clamd is frozen (tempfail).'));
      expect(refused.text).toBe('451 4.3.0 Temporary local problem, please try again later');
      const passed = await send(lenient, 'carol@sender.example', mail('carol@sender.example', 'While clamd is frozen (pass).'));
      expect(passed.code).toBe(250);
      const copy = await decryptStored(db, bob, queuedId(passed));
      expect(copy.row.folder).toBe('inbox');
      expect(copy.summary.filter).toBeUndefined();
      expect((await countMessages(db, bob.account.id, 'inbox')).total).toBe(before + 1);
      expect(strict.logs.some((line) => line.includes('"plugin":"clamav"') && line.includes('"reason":"timeout"'))).toBe(true);
    } finally {
      clamd.thaw();
    }
    // Thawed: the same role scans again.
    const after = await send(strict, 'carol@sender.example', mail('carol@sender.example', 'After clamd thawed.'));
    expect(after.code).toBe(250);
    await Promise.all([strict.close(), lenient.close()]);
  });

  // Last: it stops the shared rspamd.
  it('rspamd stopped: 451 under tempfail, stored untagged under pass; nothing lost, the role stays up', async () => {
    const [strict, lenient] = await Promise.all([
      sidecarWith({ PLUGINS: 'rspamd', RSPAMD_FAILURE: 'tempfail' }),
      sidecarWith({ PLUGINS: 'rspamd', RSPAMD_FAILURE: 'pass' }),
    ]);
    await rspamd.stop();
    try {
      const before = (await countMessages(db, bob.account.id, 'inbox')).total;
      const replies = [];
      for (let i = 0; i < 5; i++) {
        replies.push(await send(strict, 'carol@sender.example', mail('carol@sender.example', `rspamd down ${i} (tempfail)`)));
        replies.push(await send(lenient, 'carol@sender.example', mail('carol@sender.example', `rspamd down ${i} (pass)`)));
      }
      expect(replies.map((r) => r.code)).toEqual([451, 250, 451, 250, 451, 250, 451, 250, 451, 250]);
      expect((await countMessages(db, bob.account.id, 'inbox')).total).toBe(before + 5);
      const copy = await decryptStored(db, bob, queuedId(replies[1]));
      expect(copy.summary.filter).toBeUndefined();
      expect(copy.raw.toString('latin1')).not.toContain('X-Spam-Score');
    } finally {
      await Promise.all([strict.close(), lenient.close()]);
    }
  });
});
