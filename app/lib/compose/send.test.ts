import { describe, expect, it, beforeAll } from 'vitest';
import { armorMessage, checkEncryptedTo, decryptBytes, dearmorMessage, encryptBytes, encryptBytesSharingKey, fromBase64, readPrivateKey } from '@/crypto';
import { generateUserKey } from '@/crypto/pgp';
import { emptyCompose } from './compose-model';
import { parseRecipients } from './recipients';
import { type OutboundSendInput, type PrebuiltSendInput, type ScheduleInternalPayload, type SendDeps, prepareSend, undoSend } from './send';

type Key = Awaited<ReturnType<typeof generateUserKey>>;
let me: Key, bob: Key, ext: Key;
beforeAll(async () => {
  [me, bob, ext] = await Promise.all([
    generateUserKey('Me', 'me@localhost'),
    generateUserKey('Bob', 'bob@localhost'),
    generateUserKey('Ext', 'pgp@example.net'),
  ]);
});

/** What the fake server answers for an immediate send: now + its undo window. */
const UNDO_AT = '2026-11-21T12:00:10.000Z';

function fakeDeps(overrides: Partial<SendDeps> = {}) {
  const calls = {
    outbound: [] as OutboundSendInput[],
    prebuilt: [] as PrebuiltSendInput[],
    scheduled: [] as ScheduleInternalPayload[],
    cancelled: [] as string[],
  };
  const deps: SendDeps = {
    recipientKeys: async (addresses) =>
      addresses.map((address) => {
        if (address === 'bob@localhost') return { address, kind: 'internal', publicKey: bob.publicKeyArmored };
        if (address === 'pgp@example.net') return { address, kind: 'external-pgp', publicKey: ext.publicKeyArmored, source: 'wkd' };
        if (address.endsWith('@localhost')) return { address, kind: 'invalid', reason: 'There is no such mailbox on this server.' };
        return { address, kind: 'external' };
      }),
    encryptTo: (parts, keys) => encryptBytesSharingKey(parts, keys),
    encryptToSelf: (parts) => encryptBytesSharingKey(parts, [me.publicKeyArmored]),
    encryptArmored: async (data, keys) => armorMessage(await encryptBytes(data, keys)),
    outboundSend: async (input) => {
      calls.outbound.push(input);
      return { id: `out-${calls.outbound.length}`, sendAt: input.sendAt ?? UNDO_AT };
    },
    sendPrebuilt: async (input) => {
      calls.prebuilt.push(input);
      return { id: 'pgp-1', sendAt: input.sendAt ?? UNDO_AT };
    },
    outboundCancel: async (id) => calls.cancelled.push(id),
    scheduleInternal: async (input) => {
      calls.scheduled.push(input);
      return { id: `sched-${calls.scheduled.length}`, sendAt: input.sendAt ?? UNDO_AT };
    },
    cancelScheduledInternal: async (id) => calls.cancelled.push(id),
    now: () => new Date('2026-11-21T12:00:00Z'),
    ...overrides,
  };
  return { deps, calls };
}

const text = async (key: Key, base64: string) => {
  const out = await decryptBytes(fromBase64(base64), await readPrivateKey(key.privateKeyArmored));
  if (out.status !== 'ok') throw new Error('decrypt failed');
  return new TextDecoder().decode(out.data);
};

function mixed() {
  return {
    ...emptyCompose('me@localhost'),
    draftId: '5b0e4a8c-1111-4222-8333-944445555666',
    to: parseRecipients('bob@localhost, plain@example.org', 'localhost'),
    cc: parseRecipients('pgp@example.net'),
    bcc: parseRecipients('hidden@example.org'),
    subject: 'Mixed',
    mode: 'plain' as const,
    text: 'Hello everyone',
  };
}

const decoder = new TextDecoder();
/** The bytes after the header block: the body every copy must share. */
const bodyOf = (message: string) => message.slice(message.indexOf('\r\n\r\n') + 4);
const messageIdOf = (message: string) => /^Message-ID: (.*)$/m.exec(message)?.[1];

describe('prepareSend', () => {
  it('makes all four copies of a mixed send from one message: one Message-ID, the same body bytes', async () => {
    const { deps, calls } = fakeDeps();
    const result = await prepareSend(
      { ...mixed(), attachments: [{ id: 'a', filename: 'n.csv', contentType: 'text/csv', size: 4, content: new TextEncoder().encode('a,b\n') }] },
      deps,
      {},
    );
    if (result.status !== 'queued') throw new Error(JSON.stringify(result));
    const [request] = calls.scheduled;
    const bobCopy = await text(bob, request!.recipients[0]!.raw);
    const sentCopy = await text(me, request!.sent!.raw);
    const plainCopy = decoder.decode(fromBase64(calls.outbound[0]!.mime));
    const armored = /-----BEGIN PGP MESSAGE-----[\s\S]*-----END PGP MESSAGE-----/.exec(decoder.decode(fromBase64(calls.prebuilt[0]!.mime)))![0];
    const decrypted = await decryptBytes((await dearmorMessage(armored))!, await readPrivateKey(ext.privateKeyArmored));
    if (decrypted.status !== 'ok') throw new Error('decrypt failed');
    const pgpCopy = decoder.decode(decrypted.data);

    const id = messageIdOf(bobCopy);
    expect(id).toMatch(/^<[^@>]+@localhost>$/);
    for (const copy of [sentCopy, plainCopy, pgpCopy]) expect(messageIdOf(copy)).toBe(id);
    expect(messageIdOf(decoder.decode(fromBase64(calls.prebuilt[0]!.mime)))).toBe(id);
    expect(bodyOf(bobCopy)).toContain('Hello everyone');
    for (const copy of [sentCopy, plainCopy, pgpCopy]) expect(bodyOf(copy)).toBe(bodyOf(bobCopy));
    // Everyone's copy is byte for byte the one the server delivers; only Sent adds the Bcc line.
    expect(plainCopy).toBe(bobCopy);
    expect(sentCopy.replace(/^Bcc: .*\r\n/m, '')).toBe(bobCopy);
  });

  it('splits a mixed list: internal copies encrypted per recipient, PGP/MIME for keys, the rest to the queue', async () => {
    const { deps, calls } = fakeDeps();
    const result = await prepareSend(mixed(), deps, {});
    if (result.status !== 'queued') throw new Error(JSON.stringify(result));
    const { pending } = result;
    expect(pending).toMatchObject({ sendId: 'sched-1', sendAt: UNDO_AT, outboundIds: ['pgp-1', 'out-1'] });

    // An immediate send is a scheduled send: at the server's now + undo window, naming the parts for elsewhere.
    expect(calls.scheduled).toHaveLength(1);
    const [request] = calls.scheduled;
    expect(request).toMatchObject({ from: 'me@localhost', sendAt: UNDO_AT, outboundIds: ['pgp-1', 'out-1'], draftId: mixed().draftId });
    expect(calls.prebuilt[0]!.sendAt).toBeUndefined();
    expect(calls.outbound[0]!.sendAt).toBe(UNDO_AT);

    // Bob's copy: to Bob's key, not the sender's; no Bcc in it.
    const [bobCopy] = request!.recipients;
    expect(bobCopy!.address).toBe('bob@localhost');
    expect(await checkEncryptedTo(fromBase64(bobCopy!.raw), bob.publicKeyArmored)).toEqual({ status: 'ok' });
    expect((await checkEncryptedTo(fromBase64(bobCopy!.raw), me.publicKeyArmored)).status).toBe('wrong-key');
    const bobRaw = await text(bob, bobCopy!.raw);
    expect(bobRaw).toContain('Subject: Mixed');
    expect(bobRaw).toMatch(/^To: bob@localhost,\r\n plain@example.org$/m);
    expect(bobRaw).not.toContain('hidden@example.org');
    expect(JSON.parse(await text(bob, bobCopy!.summary))).toMatchObject({ v: 1, subject: 'Mixed', snippet: 'Hello everyone' });

    // The Sent copy: to the sender, with Bcc.
    expect(await text(me, request!.sent!.raw)).toMatch(/^Bcc: hidden@example.org$/m);

    // The queue's copy: delivered only to those without a copy of their own; the Bcc one is declared, not in the headers.
    expect(calls.outbound).toEqual([
      { from: 'me@localhost', recipients: ['plain@example.org', 'hidden@example.org'], bcc: ['hidden@example.org'], mime: expect.any(String), sendAt: UNDO_AT },
    ]);

    // PGP/MIME: the envelope names only the key holder; the subject is not in the clear.
    expect(calls.prebuilt).toHaveLength(1);
    expect(calls.prebuilt[0]!.recipients).toEqual(['pgp@example.net']);
    const mime = new TextDecoder().decode(fromBase64(calls.prebuilt[0]!.mime));
    expect(mime).toContain('multipart/encrypted');
    expect(mime).toMatch(/^Subject: \.\.\.$/m);
    expect(mime).not.toContain('Hello everyone');

    // Undo is one cancel: of the send, which cancels its parts on the server.
    await undoSend(pending, deps);
    expect(calls.cancelled).toEqual(['sched-1']);
  });

  it('sends nothing while any recipient is a problem, and says which and why', async () => {
    const { deps, calls } = fakeDeps();
    const state = { ...mixed(), to: parseRecipients('nobody@localhost, broken', 'localhost') };
    const result = await prepareSend(state, deps, {});
    expect(result).toEqual({
      status: 'problems',
      problems: [
        { address: 'nobody@localhost', reason: 'There is no such mailbox on this server.' },
        { address: 'broken', reason: expect.stringContaining("isn't an email address") },
      ],
    });
    expect(calls.outbound.length + calls.prebuilt.length + calls.scheduled.length).toBe(0);
    expect((await prepareSend({ ...mixed(), to: [], cc: [], bcc: [] }, deps, {})).status).toBe('problems');
  });

  it('puts the identity’s display name on the From of every copy, RFC 2047-encoded when not ASCII', async () => {
    const { deps, calls } = fakeDeps();
    const result = await prepareSend({ ...mixed(), fromName: 'Zoë from Accounts' }, deps, {});
    if (result.status !== 'queued') throw new Error(JSON.stringify(result));
    const from = `From: =?UTF-8?B?${btoa(String.fromCharCode(...new TextEncoder().encode('Zoë from Accounts')))}?= <me@localhost>`;
    expect(decoder.decode(fromBase64(calls.outbound[0]!.mime))).toContain(`${from}\r\n`);
    expect(await text(bob, calls.scheduled[0]!.recipients[0]!.raw)).toContain(`${from}\r\n`);
    expect(await text(me, calls.scheduled[0]!.sent!.raw)).toContain(`${from}\r\n`);
  });

  it('passes a scheduled time to every part, dated at that time', async () => {
    const { deps, calls } = fakeDeps();
    const sendAt = new Date('2026-12-01T09:00:00Z');
    const result = await prepareSend(mixed(), deps, { sendAt });
    if (result.status !== 'queued') throw new Error(JSON.stringify(result));
    expect(result.pending).toMatchObject({ sendId: 'sched-1', sendAt: '2026-12-01T09:00:00.000Z', outboundIds: ['pgp-1', 'out-1'] });
    const [request] = calls.scheduled;
    expect(request).toMatchObject({ from: 'me@localhost', sendAt: '2026-12-01T09:00:00.000Z' });
    expect(request!.recipients.map((r) => r.address)).toEqual(['bob@localhost']);
    const bobRaw = await text(bob, request!.recipients[0]!.raw);
    expect(bobRaw).toMatch(/^Date: Tue, 1 Dec 2026 09:00:00 \+0000$/m);
    expect(calls.outbound[0]!.sendAt).toBe('2026-12-01T09:00:00.000Z');
    expect(calls.prebuilt[0]!.sendAt).toBe('2026-12-01T09:00:00.000Z');
  });

  it('a send to this server only is one scheduled send, holding the Sent copy', async () => {
    const { deps, calls } = fakeDeps();
    const internalOnly = { ...mixed(), to: parseRecipients('bob@localhost', 'localhost'), cc: [], bcc: [] };
    const now = await prepareSend(internalOnly, deps, {});
    expect(now.status === 'queued' && now.pending).toMatchObject({ sendId: 'sched-1', outboundIds: [] });
    expect(calls.scheduled[0]!.recipients.map((r) => r.address)).toEqual(['bob@localhost']);
    expect(calls.scheduled[0]!.sent).toBeDefined();
    expect(calls.scheduled[0]!.sendAt).toBeUndefined();
  });

  it('cancels the parts already queued when a later step fails', async () => {
    const failing = fakeDeps({
      outboundSend: async () => {
        throw new Error('send limit reached');
      },
    });
    await expect(prepareSend(mixed(), failing.deps, {})).rejects.toThrow('send limit reached');
    expect(failing.calls.cancelled).toEqual(['pgp-1']);
    expect(failing.calls.scheduled).toEqual([]);

    const refused = fakeDeps({
      scheduleInternal: async () => {
        throw new Error('too large');
      },
    });
    await expect(prepareSend(mixed(), refused.deps, {})).rejects.toThrow('too large');
    expect(refused.calls.cancelled).toEqual(['pgp-1', 'out-1']);
  });
});
