import { queueTestMail } from '../../testing/outgoing-mail';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dkimVerify } from 'mailauth/lib/dkim/verify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findOutbound, listRecipients, purgeSealedCopies } from '../../db/repositories/outbound.repository';
import { createDnsResolver } from '../mail/dns';
import { createTestUser } from '../../testing/factories';
import { listDeadLetters, retryDeadLetter } from './dead-letter.service';
import { readInbox, senderDomain } from '../../testing/outbound/fixtures';
import { type OutboundHarness, routeToSink, startOutboundHarness } from '../../testing/outbound/harness';
import { useIsolatedDb } from '../../testing/outbound/isolated-db';
import { untilStatus } from '../../testing/outbound/until-status';

const isolated = useIsolatedDb();
let h: OutboundHarness;
beforeAll(async () => {
  h = await startOutboundHarness(isolated.db(), isolated.url());
});
afterAll(() => h?.close());

const unique = (prefix: string) => `${prefix}${randomBytes(4).toString('hex')}.test`;
const pythonScript = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../testing/outbound/dkim_verify.py');
const hasPythonDkim = spawnSync('/usr/bin/python3', ['-c', 'import dkim, dns.resolver']).status === 0;

/** Runs dkimpy asynchronously: the loopback DNS server it asks lives in this process. */
function pythonVerify(raw: Buffer): Promise<string> {
  const child = spawn('/usr/bin/python3', [pythonScript, h.dns.address.split(':')[1]!], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stdin.end(raw);
  return new Promise((resolve) => child.on('close', () => resolve(out.trim())));
}

async function statusOf(id: string) {
  return (await findOutbound(isolated.db(), id))!;
}

describe('outbound delivery through MX lookup to a real SMTP server', () => {
  let signed: Buffer;

  it('delivers one DKIM-signed transaction per domain over STARTTLS, Bcc only in the envelope', async () => {
    const db = isolated.db();
    const user = await createTestUser(db);
    const from = await senderDomain(db, user, h.zone, unique('sender'));
    const rcptDomain = unique('rcpt');
    routeToSink(h.zone, rcptDomain);

    const sent = await queueTestMail(db, h.queue, h.clock, user.account, {
      from: from.address,
      fromName: 'Alice Example',
      to: [`Bob <bob@${rcptDomain}>`],
      cc: [],
      bcc: [`carol@${rcptDomain}`],
      subject: 'Quarterly numbers ✓',
      text: 'Hello Bob,\nsee attached.\n',
      html: '<p>Hello Bob,<br>see attached.</p>',
      attachments: [{ filename: 'numbers.csv', contentType: 'text/csv', content: Buffer.from('a,b\n1,2\n').toString('base64') }],
      sendAt: h.clock.now(),
    });
    expect(sent.status).toBe('scheduled');

    await h.sink.waitFor((all) => all.some((m) => m.recipients.includes(`bob@${rcptDomain}`)));
    const [message, ...others] = h.sink.to(`bob@${rcptDomain}`);
    expect(others).toHaveLength(0);
    expect(message!.recipients.sort()).toEqual([`bob@${rcptDomain}`, `carol@${rcptDomain}`]);
    expect(message!.envelopeFrom).toBe(from.address);
    expect(message!.secure).toBe(true);
    const text = message!.raw.toString('latin1');
    expect(text).toMatch(/^DKIM-Signature: v=1; a=rsa-sha256; c=relaxed\/relaxed;\s+d=sender[0-9a-f]+\.test;/);
    expect(text).not.toMatch(/^bcc:/im);
    expect(text).not.toContain('carol@');
    signed = message!.raw;

    await untilStatus(isolated.db(), sent.id, 'delivered');
    const row = await statusOf(sent.id);
    expect(row.sealed_mime).toBeNull();
    expect(row.finished_at).not.toBeNull();
    expect((await listRecipients(db, [sent.id])).map((r) => r.status)).toEqual(['delivered', 'delivered']);
  });

  it('is accepted by mailauth against the loopback DNS, and a tampered copy is not', async () => {
    const resolver = createDnsResolver([h.dns.address]);
    const good = await dkimVerify(signed, { resolver });
    expect(good.results.map((r) => r.status.result)).toEqual(['pass']);
    expect(good.results[0]!.signingDomain).toMatch(/^sender[0-9a-f]+\.test$/);

    const tampered = Buffer.from(signed.toString('latin1').replace('Hello Bob', 'Hello Rob'), 'latin1');
    const bad = await dkimVerify(tampered, { resolver });
    expect(bad.results.map((r) => r.status.result)).not.toContain('pass');
  });

  it.skipIf(!hasPythonDkim)('is accepted by dkimpy (python3-dkim) against the loopback DNS, and a tampered copy is not', async () => {
    const queriesBefore = h.dns.queries();
    expect(await pythonVerify(signed)).toBe('pass');
    expect(h.dns.queries()).toBeGreaterThan(queriesBefore); // it really asked the loopback DNS
    expect(await pythonVerify(Buffer.from(signed.toString('latin1').replace('Hello Bob', 'Hello Rob'), 'latin1'))).toBe('fail');
  });

  it('retries after a 4xx and delivers exactly once', async () => {
    const db = isolated.db();
    const user = await createTestUser(db);
    const rcptDomain = unique('greylist');
    routeToSink(h.zone, rcptDomain);
    const to = `dave@${rcptDomain}`;
    let seen = 0;
    h.sink.script.data = (m) => (m.recipients.includes(to) && ++seen === 1 ? { code: 451, message: '4.7.1 Greylisted, try again later' } : undefined);

    const sent = await queueTestMail(db, h.queue, h.clock, user.account, {
      from: user.account.address,
      to: [to],
      cc: [],
      bcc: [],
      subject: 'Hi',
      text: 'Hi',
      sendAt: h.clock.now(),
    });
    await untilStatus(isolated.db(), sent.id, 'queued');
    const [deferred] = await listRecipients(db, [sent.id]);
    expect(deferred).toMatchObject({ status: 'deferred', attempts: 1, last_reply: expect.stringContaining('451 4.7.1 Greylisted') });
    // The first retry is 5 minutes later on the deliverer's clock; nothing goes before then.
    expect(deferred!.next_attempt_at!.getTime() - h.clock.now().getTime()).toBeGreaterThanOrEqual(5 * 60_000 - 1000);
    // (Polled: the worker may still hold the message for a moment after committing 'queued'.)
    await expect.poll(() => h.deliverer.deliver(sent.id), { interval: 20 }).toEqual({ outcome: 'not-due' });

    h.clock.advance(5 * 60_000);
    await h.deliverer.sweep(0);
    await untilStatus(isolated.db(), sent.id, 'delivered');
    expect(h.sink.to(to).map((m) => m.reply)).toEqual([451, 250]);
    expect((await listRecipients(db, [sent.id]))[0]).toMatchObject({ status: 'delivered', attempts: 2 });
    h.sink.script.data = undefined;
  });

  it('bounces a 5xx to the sender (encrypted to their key) with a dead letter an admin can retry', async () => {
    const db = isolated.db();
    const user = await createTestUser(db);
    const admin = await createTestUser(db, { isAdmin: true });
    const rcptDomain = unique('strict');
    routeToSink(h.zone, rcptDomain);
    const good = `erin@${rcptDomain}`;
    const unknown = `nobody@${rcptDomain}`;
    let refuse = true;
    h.sink.script.rcpt = (address) => (address === unknown && refuse ? { code: 550, message: '5.1.1 No such user here' } : undefined);

    const sent = await queueTestMail(db, h.queue, h.clock, user.account, {
      from: user.account.address,
      to: [good, unknown],
      cc: [],
      bcc: [],
      subject: 'Budget review',
      text: 'Secret body text',
      sendAt: h.clock.now(),
    });
    await untilStatus(isolated.db(), sent.id, 'partially-failed');
    expect(h.sink.to(good)).toHaveLength(1);
    expect(h.sink.to(unknown)).toHaveLength(0);

    const inbox = await readInbox(db, user);
    expect(inbox).toHaveLength(1);
    const [bounce] = inbox;
    expect(bounce!.summary.subject).toBe('Undelivered Mail Returned to Sender: Budget review');
    expect(bounce!.raw).toContain('Content-Type: multipart/report; report-type=delivery-status');
    expect(bounce!.raw).toContain(`Final-Recipient: rfc822; ${unknown}`);
    expect(bounce!.raw).toContain('Status: 5.1.1');
    expect(bounce!.raw).toContain('Diagnostic-Code: smtp; 550 5.1.1 No such user here');
    expect(bounce!.raw).toContain('Subject: Budget review'); // the original headers ...
    expect(bounce!.raw).not.toContain('Secret body text'); // ... never the body
    expect(bounce!.raw).not.toContain(`Final-Recipient: rfc822; ${good}`);

    // Kept for the dead letter until retention ends.
    expect((await statusOf(sent.id)).sealed_mime).not.toBeNull();
    const letters = (await listDeadLetters(db, admin.account, { limit: 50, openOnly: true })).filter((l) => l.outboundId === sent.id);
    expect(letters).toEqual([expect.objectContaining({ recipient: unknown, statusCode: '5.1.1', lastReply: '550 5.1.1 No such user here', retryable: true })]);
    await expect(listDeadLetters(db, user.account, { limit: 5, openOnly: true })).rejects.toThrow(/administrator/);

    refuse = false;
    await retryDeadLetter(db, h.queue, h.clock, admin.account, letters[0]!.id);
    await untilStatus(isolated.db(), sent.id, 'delivered');
    expect(h.sink.to(unknown)).toHaveLength(1);
    expect(h.sink.to(good)).toHaveLength(1); // not sent twice
    expect((await statusOf(sent.id)).sealed_mime).toBeNull();
    await expect(retryDeadLetter(db, h.queue, h.clock, admin.account, letters[0]!.id)).rejects.toThrow(/already retried/);
    h.sink.script.rcpt = undefined;
  });

  it('forgets the sealed copy of a bounced message when retention ends; its dead letter then cannot be retried', async () => {
    const db = isolated.db();
    const user = await createTestUser(db);
    const admin = await createTestUser(db, { isAdmin: true });
    const rcptDomain = unique('gone');
    routeToSink(h.zone, rcptDomain);
    const to = `olga@${rcptDomain}`;
    h.sink.script.rcpt = (address) => (address === to ? { code: 550, message: '5.1.1 No such user here' } : undefined);
    const sent = await queueTestMail(db, h.queue, h.clock, user.account, {
      from: user.account.address,
      to: [to],
      cc: [],
      bcc: [],
      subject: 'Hi',
      text: 'Hi',
      sendAt: h.clock.now(),
    });
    await untilStatus(isolated.db(), sent.id, 'bounced');
    h.sink.script.rcpt = undefined;
    const row = await statusOf(sent.id);
    expect(row.purge_after!.getTime() - row.finished_at!.getTime()).toBe(72 * 3600_000);

    expect(await purgeSealedCopies(db, new Date(row.purge_after!.getTime() - 1000))).toBe(0);
    expect(await purgeSealedCopies(db, row.purge_after!)).toBeGreaterThanOrEqual(1);
    expect((await statusOf(sent.id)).sealed_mime).toBeNull();
    const [letter] = (await listDeadLetters(db, admin.account, { limit: 50, openOnly: true })).filter((l) => l.outboundId === sent.id);
    expect(letter!.retryable).toBe(false);
    await expect(retryDeadLetter(db, h.queue, h.clock, admin.account, letter!.id)).rejects.toThrow(/content was deleted/);
  });

  it('bounces a Null MX domain with 5.1.10 without connecting anywhere', async () => {
    const db = isolated.db();
    const user = await createTestUser(db);
    const nullDomain = unique('nullmx');
    h.zone[nullDomain] = { MX: [{ exchange: '.', priority: 0 }] };
    const before = h.sink.messages.length;

    const sent = await queueTestMail(db, h.queue, h.clock, user.account, {
      from: user.account.address,
      to: [`frank@${nullDomain}`],
      cc: [],
      bcc: [],
      subject: 'Hello',
      text: 'Hi',
      sendAt: h.clock.now(),
    });
    await untilStatus(isolated.db(), sent.id, 'bounced');
    expect(h.sink.messages.length).toBe(before);
    const [bounce] = await readInbox(db, user);
    expect(bounce!.raw).toContain(`Final-Recipient: rfc822; frank@${nullDomain}`);
    expect(bounce!.raw).toContain('Status: 5.1.10');
    expect(bounce!.raw).toContain('accepts no mail (Null MX)');
    expect((await listRecipients(db, [sent.id]))[0]).toMatchObject({ status: 'failed', last_reply: expect.stringContaining('5.1.10') });
  });
});
