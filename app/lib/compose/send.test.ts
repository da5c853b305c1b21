import { describe, expect, it, beforeAll } from 'vitest';
import { armorMessage, checkEncryptedTo, decryptBytes, encryptBytes, encryptBytesSharingKey, fromBase64, readPrivateKey } from '@/crypto';
import { generateUserKey } from '@/crypto/pgp';
import { emptyCompose } from './compose-model';
import { parseRecipients } from './recipients';
import { type OutboundSendInput, type PrebuiltSendInput, type ScheduleInternalPayload, type SendDeps, commitSend, prepareSend, undoSend } from './send';

type Key = Awaited<ReturnType<typeof generateUserKey>>;
let me: Key, bob: Key, ext: Key;
beforeAll(async () => {
  [me, bob, ext] = await Promise.all([generateUserKey('Me', 'me@localhost'), generateUserKey('Bob', 'bob@localhost'), generateUserKey('Ext', 'pgp@example.net')]);
});

function fakeDeps(overrides: Partial<SendDeps> = {}) {
  const calls = { outbound: [] as OutboundSendInput[], prebuilt: [] as PrebuiltSendInput[], scheduled: [] as ScheduleInternalPayload[], cancelled: [] as string[] };
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
      return { id: `out-${calls.outbound.length}` };
    },
    sendPrebuilt: async (input) => {
      calls.prebuilt.push(input);
      return { id: 'pgp-1' };
    },
    outboundCancel: async (id) => calls.cancelled.push(id),
    sendInternal: async () => ({ sentId: 'sent-1' }),
    scheduleInternal: async (input) => {
      calls.scheduled.push(input);
      return { id: `sched-${calls.scheduled.length}` };
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

describe('prepareSend', () => {
  it('splits a mixed list: internal copies encrypted per recipient, PGP/MIME for keys, the rest to the queue', async () => {
    const { deps, calls } = fakeDeps();
    const result = await prepareSend(mixed(), deps, { fromCanSendExternally: true });
    if (result.status !== 'queued') throw new Error(JSON.stringify(result));
    const { pending } = result;
    expect(pending.outboundIds).toEqual(['pgp-1', 'out-1']);
    expect(pending.scheduledInternalIds).toEqual([]);
    expect(calls.scheduled).toEqual([]);

    // Bob's copy: to Bob's key, not the sender's; no Bcc in it.
    const [bobCopy] = pending.internal.recipients;
    expect(bobCopy!.address).toBe('bob@localhost');
    expect(await checkEncryptedTo(fromBase64(bobCopy!.raw), bob.publicKeyArmored)).toEqual({ status: 'ok' });
    expect((await checkEncryptedTo(fromBase64(bobCopy!.raw), me.publicKeyArmored)).status).toBe('wrong-key');
    const bobRaw = await text(bob, bobCopy!.raw);
    expect(bobRaw).toContain('Subject: Mixed');
    expect(bobRaw).toMatch(/^To: bob@localhost,\r\n plain@example.org$/m);
    expect(bobRaw).not.toContain('hidden@example.org');
    expect(JSON.parse(await text(bob, bobCopy!.summary))).toMatchObject({ v: 1, subject: 'Mixed', snippet: 'Hello everyone' });

    // The Sent copy: to the sender, with Bcc, and the draft goes with it.
    expect(await text(me, pending.internal.sent.raw)).toMatch(/^Bcc: hidden@example.org$/m);
    expect(pending.internal.draftId).toBe(mixed().draftId);

    // The queue's copy names everyone in To and Cc as the others do, under the same Message-ID,
    // and is delivered only to those without a copy of their own (the Bcc one stays out of headers).
    expect(calls.outbound).toHaveLength(1);
    expect(calls.outbound[0]).toMatchObject({
      from: 'me@localhost',
      to: ['bob@localhost', 'plain@example.org'],
      cc: ['pgp@example.net'],
      bcc: ['hidden@example.org'],
      envelope: ['plain@example.org', 'hidden@example.org'],
      subject: 'Mixed',
      text: 'Hello everyone',
    });
    expect(bobRaw).toContain(`Message-ID: ${calls.outbound[0]!.messageId}`);
    expect(calls.outbound[0]!.html).toBeUndefined();

    // PGP/MIME: the envelope names only the key holder; the subject is not in the clear.
    expect(calls.prebuilt).toHaveLength(1);
    expect(calls.prebuilt[0]!.recipients).toEqual(['pgp@example.net']);
    const mime = new TextDecoder().decode(fromBase64(calls.prebuilt[0]!.mime));
    expect(mime).toContain('multipart/encrypted');
    expect(mime).toMatch(/^Subject: \.\.\.$/m);
    expect(mime).not.toContain('Hello everyone');

    const committed: unknown[] = [];
    await commitSend(pending, { sendInternal: async (input) => (committed.push(input), { sentId: 's' }) });
    expect(committed).toEqual([pending.internal]);
    await undoSend(pending, deps);
    expect(calls.cancelled).toEqual(['pgp-1', 'out-1']);
  });

  it('sends nothing while any recipient is a problem, and says which and why', async () => {
    const { deps, calls } = fakeDeps();
    const state = { ...mixed(), to: parseRecipients('nobody@localhost, broken', 'localhost') };
    const result = await prepareSend(state, deps, { fromCanSendExternally: true });
    expect(result).toEqual({
      status: 'problems',
      problems: [
        { address: 'nobody@localhost', reason: 'There is no such mailbox on this server.' },
        { address: 'broken', reason: expect.stringContaining("isn't an email address") },
      ],
    });
    expect(calls.outbound.length + calls.prebuilt.length).toBe(0);
    expect((await prepareSend({ ...mixed(), to: [], cc: [], bcc: [] }, deps, { fromCanSendExternally: true })).status).toBe('problems');
  });

  it('refuses an alias From for outside recipients', async () => {
    const { deps } = fakeDeps();
    const alias = await prepareSend(mixed(), deps, { fromCanSendExternally: false });
    expect(alias.status === 'problems' && alias.problems.map((p) => p.address)).toEqual(['plain@example.org', 'hidden@example.org', 'pgp@example.net']);
  });

  it('schedules the internal copies, encrypted to each recipient, with the external parts; commit files only the Sent copy', async () => {
    const { deps, calls } = fakeDeps();
    const sendAt = new Date('2026-12-01T09:00:00Z');
    const result = await prepareSend(mixed(), deps, { fromCanSendExternally: true, sendAt });
    if (result.status !== 'queued') throw new Error(JSON.stringify(result));
    const { pending } = result;
    expect(pending.scheduledInternalIds).toEqual(['sched-1']);
    expect(pending.outboundIds).toEqual(['pgp-1', 'out-1']);

    // The server gets Bob's copy for later: to Bob's key only, dated at the scheduled time, no Bcc.
    expect(calls.scheduled).toHaveLength(1);
    const [request] = calls.scheduled;
    expect(request).toMatchObject({ from: 'me@localhost', sendAt: '2026-12-01T09:00:00.000Z' });
    expect(request!.recipients.map((r) => r.address)).toEqual(['bob@localhost']);
    const bobCopy = request!.recipients[0]!;
    expect(await checkEncryptedTo(fromBase64(bobCopy.raw), bob.publicKeyArmored)).toEqual({ status: 'ok' });
    expect(await checkEncryptedTo(fromBase64(bobCopy.summary), bob.publicKeyArmored)).toEqual({ status: 'ok' });
    const bobRaw = await text(bob, bobCopy.raw);
    expect(bobRaw).toMatch(/^Date: Tue, 1 Dec 2026 09:00:00 \+0000$/m);
    expect(bobRaw).not.toContain('hidden@example.org');
    expect(calls.outbound[0]!.sendAt).toBe('2026-12-01T09:00:00.000Z');
    expect(calls.prebuilt[0]!.sendAt).toBe('2026-12-01T09:00:00.000Z');

    // Commit files the Sent copy and drops the draft, and nothing for Bob a second time.
    const committed: unknown[] = [];
    await commitSend(pending, { sendInternal: async (input) => (committed.push(input), { sentId: 's' }) });
    expect(committed).toEqual([{ from: 'me@localhost', recipients: [], sent: pending.internal.sent, draftId: mixed().draftId }]);
    expect(await text(me, pending.internal.sent.raw)).toMatch(/^Bcc: hidden@example.org$/m);

    // Undo of the whole send cancels the scheduled internal part with the external ones.
    await undoSend(pending, deps);
    expect([...calls.cancelled].sort()).toEqual(['out-1', 'pgp-1', 'sched-1']);
  });

  it('a scheduled send to this server only schedules one request, and an immediate one schedules nothing', async () => {
    const { deps, calls } = fakeDeps();
    const internalOnly = { ...mixed(), to: parseRecipients('bob@localhost', 'localhost'), cc: [], bcc: [] };
    const scheduled = await prepareSend(internalOnly, deps, { fromCanSendExternally: false, sendAt: new Date('2026-12-01T09:00:00Z') });
    expect(scheduled.status === 'queued' && scheduled.pending).toMatchObject({ outboundIds: [], scheduledInternalIds: ['sched-1'], internal: { recipients: [] } });
    const now = await prepareSend(internalOnly, deps, { fromCanSendExternally: false });
    expect(now.status === 'queued' && now.pending.scheduledInternalIds).toEqual([]);
    expect(now.status === 'queued' && now.pending.internal.recipients.map((r) => r.address)).toEqual(['bob@localhost']);
    expect(calls.scheduled).toHaveLength(1);
  });

  it('cancels the scheduled internal part when an external part then fails', async () => {
    const { deps, calls } = fakeDeps({
      outboundSend: async () => {
        throw new Error('send limit reached');
      },
    });
    const sendAt = new Date('2026-12-01T09:00:00Z');
    await expect(prepareSend(mixed(), deps, { fromCanSendExternally: true, sendAt })).rejects.toThrow('send limit reached');
    expect([...calls.cancelled].sort()).toEqual(['pgp-1', 'sched-1']);
  });

  it('passes a scheduled time on, and cancels queued parts when a later one fails', async () => {
    const { deps, calls } = fakeDeps();
    const external = { ...mixed(), to: parseRecipients('plain@example.org'), cc: [], bcc: [] };
    const result = await prepareSend(external, deps, { fromCanSendExternally: true, sendAt: new Date('2026-12-01T09:00:00Z') });
    expect(result.status).toBe('queued');
    expect(calls.outbound[0]!.sendAt).toBe('2026-12-01T09:00:00.000Z');

    const failing = fakeDeps({
      outboundSend: async () => {
        throw new Error('send limit reached');
      },
    });
    await expect(prepareSend(mixed(), failing.deps, { fromCanSendExternally: true })).rejects.toThrow('send limit reached');
    expect(failing.calls.cancelled).toEqual(['pgp-1']);
  });
});
