import { queueTestMail } from '../../testing/outgoing-mail';
import { randomBytes } from 'node:crypto';
import { dkimVerify } from 'mailauth/lib/dkim/verify';
import PostalMime from 'postal-mime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMessage, buildPgpMimeContent, buildPgpMimeMessage, buildSend, type OutgoingMail } from '../../mime/build';
import { armorMessage, dearmorMessage, decryptBytes, encryptBytes, fromUtf8, readPrivateKey } from '../../crypto';
import { generateUserKey } from '../../crypto/pgp';
import { findOutbound } from '../../db/repositories/outbound.repository';
import { pinKey } from './pinned-keys.service';
import { recipientKeys } from './recipient-keys';
import { env } from '../env';
import { createDnsResolver } from '../mail/dns';
import { createTestUser } from '../../testing/factories';
import { queueMimeMessage, queuePrebuiltMessage } from './outbound.service';
import { senderDomain } from '../../testing/outbound/fixtures';
import { type OutboundHarness, routeToSink, startOutboundHarness } from '../../testing/outbound/harness';
import { useIsolatedDb } from '../../testing/outbound/isolated-db';
import { settingsFrom } from '../settings';

const settings = settingsFrom(env());

const isolated = useIsolatedDb();
let h: OutboundHarness;
beforeAll(async () => {
  h = await startOutboundHarness(isolated.db(), isolated.url());
});
afterAll(() => h?.close());

const unique = (prefix: string) => `${prefix}${randomBytes(4).toString('hex')}.test`;
const noWkd = async () => ({ status: 'not-found' as const });

/** A sender with a verified domain, and an external recipient whose key the sender pinned. */
async function scene() {
  const db = isolated.db();
  const user = await createTestUser(db);
  const from = await senderDomain(db, user, h.zone, unique('pgpsender'));
  const rcptDomain = unique('pgprcpt');
  routeToSink(h.zone, rcptDomain);
  const bob = `bob@${rcptDomain}`;
  const bobKey = await generateUserKey('Bob', bob);
  await pinKey(db, user.account, { address: bob, publicKey: bobKey.publicKeyArmored });
  const keys = (addresses: string[]) => recipientKeys({ db, mailDomain: settings.mailDomain, wkd: noWkd }, user.account, addresses);
  const mail: OutgoingMail = {
    from: { name: 'Alice', address: from.address },
    to: [{ name: 'Bob', address: bob }],
    cc: [],
    subject: 'The plan',
    date: h.clock.now(),
    messageId: `<${randomBytes(8).toString('hex')}@${from.domain}>`,
    text: 'Meet at the usual place. canary-7f3a',
    attachments: [],
  };
  return { db, user, from, bob, bobKey, keys, mail };
}

/** PGP/MIME as the browser builds it: the whole inner message encrypted to `publicKeys`. */
async function pgpMime(mail: OutgoingMail, publicKeys: string[]): Promise<Uint8Array> {
  return buildPgpMimeMessage(mail, armorMessage(await encryptBytes(buildPgpMimeContent(mail), publicKeys)));
}

describe('PGP/MIME built in the browser, sent through the outbound queue', () => {
  it('reaches the recipient DKIM-signed, and only their key opens it', async () => {
    const { db, user, from, bob, bobKey, keys, mail } = await scene();
    const mime = await pgpMime(mail, [bobKey.publicKeyArmored]);
    const queued = await queuePrebuiltMessage(
      db,
      h.queue,
      h.clock,
      settings,
      user.account,
      { from: from.address, recipients: [bob], mime, sendAt: h.clock.now() },
      keys,
    );
    expect(queued.recipients.map((r) => r.address)).toEqual([bob]);

    await h.sink.waitFor((all) => all.some((m) => m.recipients.includes(bob)));
    const [received] = h.sink.to(bob);
    const raw = received!.raw;
    expect(raw.toString('latin1')).not.toContain('canary-7f3a');
    expect(raw.toString('latin1')).not.toContain('The plan'); // the real subject is inside, encrypted
    const verified = await dkimVerify(raw, { resolver: createDnsResolver([h.dns.address]) });
    expect(verified.results.map((r) => r.status.result)).toEqual(['pass']);
    expect(verified.results[0]!.signingDomain).toBe(from.domain);

    // What Bob's mail client does: take the encrypted part and decrypt it with his key.
    const parsed = await PostalMime.parse(raw);
    const part = parsed.attachments.find((a) => a.mimeType === 'application/octet-stream')!;
    const binary = await dearmorMessage(typeof part.content === 'string' ? part.content : new TextDecoder().decode(part.content));
    const opened = await decryptBytes(binary!, await readPrivateKey(bobKey.privateKeyArmored));
    expect(opened.status).toBe('ok');
    expect(fromUtf8((opened as { data: Uint8Array }).data)).toContain('canary-7f3a');
    const notBob = await decryptBytes(binary!, await readPrivateKey(user.privateKeyArmored));
    expect(notBob.status).toBe('decrypt-failed');

    await expect.poll(async () => (await findOutbound(db, queued.id))?.status, { timeout: 20_000 }).toBe('delivered');
  });

  it('refuses a message whose From is not the sender, or that has a Bcc header', async () => {
    const { db, user, from, bob, bobKey, keys, mail } = await scene();
    const forged = await pgpMime({ ...mail, from: { name: 'CEO', address: `ceo@${from.domain}` } }, [bobKey.publicKeyArmored]);
    await expect(
      queuePrebuiltMessage(db, h.queue, h.clock, settings, user.account, { from: from.address, recipients: [bob], mime: forged }, keys),
    ).rejects.toThrow(`its From is not ${from.address}`);
    const good = Buffer.from(await pgpMime(mail, [bobKey.publicKeyArmored])).toString('latin1');
    const withBcc = Buffer.from(good.replace('MIME-Version: 1.0', 'Bcc: eve@elsewhere.test\r\nMIME-Version: 1.0'), 'latin1');
    await expect(
      queuePrebuiltMessage(db, h.queue, h.clock, settings, user.account, { from: from.address, recipients: [bob], mime: withBcc }, keys),
    ).rejects.toThrow('it has a Bcc header');
  });

  it('refuses plaintext, and ciphertext that is not encrypted to every recipient', async () => {
    const { db, user, from, bob, bobKey, keys, mail } = await scene();
    const send = (mime: Uint8Array, recipients = [bob]) =>
      queuePrebuiltMessage(db, h.queue, h.clock, settings, user.account, { from: from.address, recipients, mime }, keys);

    await expect(send(buildMessage(mail))).rejects.toThrow('it is not multipart/encrypted');
    const toSelf = await pgpMime(mail, [user.publicKeyArmored]);
    await expect(send(toSelf)).rejects.toThrow(`it is not encrypted to the key of ${bob}`);
    // A plaintext part smuggled next to the encrypted one.
    const good = Buffer.from(await pgpMime(mail, [bobKey.publicKeyArmored])).toString('latin1');
    const boundary = /boundary="([^"]+)"/.exec(good)![1]!;
    const extra = good.replace(`--${boundary}--`, `--${boundary}\r\nContent-Type: text/plain\r\n\r\ncanary-7f3a\r\n--${boundary}--`);
    await expect(send(Buffer.from(extra, 'latin1'))).rejects.toThrow('it has parts other than the two of PGP/MIME');
    // A recipient with no key can't get it: the browser must send them the ordinary way.
    const carol = `carol@${bob.split('@')[1]}`;
    await expect(send(await pgpMime(mail, [bobKey.publicKeyArmored]), [bob, carol])).rejects.toThrow(`${carol} has no OpenPGP key`);
  });
});

describe('a mixed list: people here, and people elsewhere without a key', () => {
  it('names everyone in To and Cc, delivers only to the envelope, and keeps the browser Message-ID', async () => {
    const { db, user, from } = await scene();
    const rcptDomain = unique('mixed');
    routeToSink(h.zone, rcptDomain);
    const carol = `carol@${rcptDomain}`;
    const messageId = `<${randomBytes(8).toString('hex')}@${from.domain}>`;
    const input = {
      from: from.address,
      to: [`Dan <dan@localhost>`, carol],
      cc: [`erin@localhost`],
      bcc: [],
      subject: 'Team lunch',
      text: 'Friday?',
      messageId,
      envelope: [carol],
      sendAt: h.clock.now(),
    };
    await queueTestMail(db, h.queue, h.clock, user.account, input);
    await h.sink.waitFor((all) => all.some((m) => m.recipients.includes(carol)));
    const [received, ...more] = h.sink.to(carol);
    expect(more).toHaveLength(0);
    expect(received!.recipients).toEqual([carol]);
    const parsed = await PostalMime.parse(received!.raw);
    expect(parsed.messageId).toBe(messageId);
    expect(parsed.to?.map((a) => a.address)).toEqual(['dan@localhost', carol]);
    expect(parsed.cc?.map((a) => a.address)).toEqual(['erin@localhost']);

    await expect(queueTestMail(db, h.queue, h.clock, user.account, { ...input, envelope: [`mallory@${rcptDomain}`] })).rejects.toThrow(
      `mallory@${rcptDomain} is not in To, Cc or Bcc.`,
    );
  });
});

describe('a message for recipients elsewhere without a key', () => {
  it('goes out as the very bytes the browser built (its Sent copy), with only a DKIM-Signature added', async () => {
    const { db, user, from } = await scene();
    const rcptDomain = unique('plain');
    routeToSink(h.zone, rcptDomain);
    const [pat, quinn] = [`pat@${rcptDomain}`, `quinn@${rcptDomain}`];
    const mail: OutgoingMail = {
      from: { name: 'Alice', address: from.address },
      to: [
        { name: 'Pat', address: pat },
        { name: '', address: 'dan@localhost' },
      ],
      cc: [],
      bcc: [{ name: '', address: quinn }],
      subject: 'Ünïcode and a file',
      date: h.clock.now(),
      messageId: `<${randomBytes(8).toString('hex')}@${from.domain}>`,
      text: 'Hello Pat,\nsee attached.\n',
      html: '<p>Hello Pat,<br>see attached.</p>',
      attachments: [{ filename: 'n.csv', contentType: 'text/csv', content: new TextEncoder().encode('a,b\n1,2\n') }],
    };
    const built = buildSend(mail);
    await queueMimeMessage(db, h.queue, h.clock, settings, user.account, {
      from: from.address,
      recipients: [pat, quinn],
      bcc: [quinn],
      mime: built.forRecipients,
      sendAt: h.clock.now(),
    });
    await h.sink.waitFor((all) => [pat, quinn].every((r) => all.some((m) => m.recipients.includes(r))));
    const [received] = h.sink.to(pat);
    const raw = received!.raw;
    const signature = /^DKIM-Signature:.*\r\n(?:[ \t].*\r\n)*/.exec(raw.toString('latin1'))![0];
    expect(Buffer.compare(raw.subarray(Buffer.byteLength(signature, 'latin1')), Buffer.from(built.forRecipients))).toBe(0);
    expect(raw.toString('latin1')).not.toContain(quinn); // Bcc: envelope only
    const verified = await dkimVerify(raw, { resolver: createDnsResolver([h.dns.address]) });
    expect(verified.results.map((r) => r.status.result)).toEqual(['pass']);
  });

  it('refuses a forged From, a Bcc header, a missing Message-ID, PGP/MIME, and an envelope the headers do not explain', async () => {
    const { db, user, from, mail } = await scene();
    const rcptDomain = unique('refused');
    const pat = `pat@${rcptDomain}`;
    const plain: OutgoingMail = { ...mail, to: [{ name: 'Pat', address: pat }] };
    const send = (mime: Uint8Array, recipients = [pat], bcc: string[] = [], limits = settings) =>
      queueMimeMessage(db, h.queue, h.clock, limits, user.account, { from: from.address, recipients, bcc, mime, sendAt: h.clock.now() });
    const good = Buffer.from(buildSend(plain).forRecipients).toString('latin1');
    const edited = (text: string) => Buffer.from(text, 'latin1');

    await expect(send(buildSend({ ...plain, from: { name: 'CEO', address: `ceo@${from.domain}` } }).forRecipients)).rejects.toThrow(
      `its From is not ${from.address}`,
    );
    await expect(send(edited(good.replace('MIME-Version: 1.0', 'Bcc: eve@elsewhere.test\r\nMIME-Version: 1.0')))).rejects.toThrow('it has a Bcc header');
    await expect(send(edited(good.replace(/^Message-ID: .*\r\n/m, '')))).rejects.toThrow('it needs exactly one Message-ID');
    await expect(send(await pgpMime(plain, [user.publicKeyArmored]))).rejects.toThrow('it is encrypted, so it goes to recipients with a key');
    await expect(send(edited(good), [pat, `mallory@${rcptDomain}`])).rejects.toThrow(`mallory@${rcptDomain} is not in To, Cc or Bcc.`);
    await expect(send(edited(good), [pat], [`eve@${rcptDomain}`])).rejects.toThrow(`eve@${rcptDomain} is in Bcc but not among the recipients.`);
    // Over MAX_MESSAGE_BYTES: refused before it is signed (a smaller limit, passed in).
    const small = { ...settings, maxMessageBytes: good.length + 100 };
    await expect(send(buildSend({ ...plain, text: 'x'.repeat(good.length) }).forRecipients, [pat], [], small)).rejects.toThrow(
      /^The message is \d+ MB; the limit is \d+ MB\.$/,
    );
    // The control: the same message as built goes.
    expect((await send(edited(good))).status).toBe('scheduled');
  });
});
