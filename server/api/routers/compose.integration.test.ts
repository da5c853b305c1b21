import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { encryptBytes, toBase64, utf8 } from '../../../crypto';
import { insertAddress } from '../../../db/repositories/address.repository';
import { useTestDb } from '../../../testing/db';
import { systemClock } from '../../clock';
import { fileScheduledInternal } from '../../send/scheduled-send.service';
import { env, reloadEnv } from '../../env';
import { settingsFrom } from '../../settings';
import { stopQueueClient } from '../../jobs/queue-client';
import { recipientKeys } from '../../send/recipient-keys';
import { type TestUser, createTestUser } from '../../../testing/factories';
import { copyFor, decryptText, insertTestMessage } from '../../../testing/mail';
import { trpcCallers, trpcCode } from '../../../testing/api';

const settings = settingsFrom(env());

/** Internal delivery through the router, against the real database; the browser's part done with the same crypto/ code. */
const db = useTestDb();
const callerFor = trpcCallers(db);

async function folderIds(user: TestUser, folder: 'inbox' | 'sent' | 'drafts') {
  return (await callerFor(user).mail.list({ folder })).items.map((m) => m.id);
}

let alice: TestUser;
let bob: TestUser;
let mallory: TestUser;
let bobAlias: string;
let aliceAlias: string;
let aliceOffAlias: string;
const listener = new pg.Client({ connectionString: inject('databaseUrl') });
const notified: string[] = [];

beforeAll(async () => {
  reloadEnv(); // useTestDb set DATABASE_URL: scheduleInternal queues its job through the web role's pg-boss on it
  [alice, bob, mallory] = await Promise.all([createTestUser(db), createTestUser(db), createTestUser(db)]);
  const alias = async (user: TestUser, local: string, enabled = true) => {
    const row = await insertAddress(db, {
      user_id: user.account.id,
      domain_id: null,
      local_part: local,
      domain: 'localhost',
      address: `${local}@localhost`,
      kind: 'alias',
      alias_style: 'custom',
      note: null,
    });
    if (!enabled) await db.updateTable('addresses').set({ enabled: false }).where('id', '=', row.id).execute();
    return row.address;
  };
  bobAlias = await alias(bob, `${bob.username}-shop`);
  aliceAlias = await alias(alice, `${alice.username}-news`);
  aliceOffAlias = await alias(alice, `${alice.username}-off`, false);
  await listener.connect();
  await listener.query('LISTEN new_mail');
  listener.on('notification', (n) => notified.push(n.payload ?? ''));
});
afterAll(async () => {
  await listener.end();
  await stopQueueClient();
});

/**
 * A send as the browser makes it (compose.scheduleInternal, here due at once), then filed as the
 * worker files it at its time.
 */
async function sendNow(input: {
  from: string;
  recipients: { address: string; raw: string; summary: string; size: number }[];
  sent: { raw: string; summary: string; size: number };
  draftId?: string;
}) {
  const scheduled = await callerFor(alice).compose.scheduleInternal({ ...input, sendAt: new Date().toISOString() });
  const filed = await fileScheduledInternal(db, systemClock, scheduled.id);
  if (filed.outcome !== 'filed') throw new Error(`not filed: ${filed.outcome}`);
  const [sent] = await db
    .selectFrom('messages')
    .select('id')
    .where('user_id', '=', alice.account.id)
    .where('folder', '=', 'sent')
    .orderBy('received_at', 'desc')
    .limit(1)
    .execute();
  return { delivered: filed.delivered, sentId: sent!.id };
}

const aliasCount = async (address: string) =>
  (await db.selectFrom('addresses').select('received_count').where('address', '=', address).executeTakeFirstOrThrow()).received_count;

describe('compose.recipientKeys', () => {
  it("gives this instance's keys, says which addresses don't exist, and doesn't count a look-up as alias traffic", async () => {
    const before = await aliasCount(bobAlias);
    const keys = await callerFor(alice).compose.recipientKeys({ addresses: [bob.account.address, bobAlias, 'nobody-here@localhost', 'not an address'] });
    expect(keys).toEqual([
      { address: bob.account.address, kind: 'internal', publicKey: bob.publicKeyArmored },
      { address: bobAlias, kind: 'internal', publicKey: bob.publicKeyArmored },
      { address: 'nobody-here@localhost', kind: 'invalid', reason: 'There is no such mailbox on this server.' },
      { address: 'not an address', kind: 'invalid', reason: "This isn't an email address." },
    ]);
    expect(await aliasCount(bobAlias)).toBe(before);
  });

  it('uses a pinned key before WKD, WKD next, and else marks the address plain external', async () => {
    const { generateUserKey } = await import('../../../crypto/pgp');
    const pinned = await generateUserKey('Pinned', 'pinned@example.org');
    const fromWkd = await generateUserKey('Wkd', 'wkd@example.net');
    await callerFor(alice).compose.pinKey({ address: 'Pinned@Example.org', publicKey: pinned.publicKeyArmored });
    const asked: string[] = [];
    const wkd = async (address: string) => {
      asked.push(address);
      return address === 'wkd@example.net'
        ? { status: 'found' as const, publicKey: fromWkd.publicKeyArmored, fingerprint: 'f' }
        : { status: 'not-found' as const };
    };
    const keys = await recipientKeys({ db, mailDomain: settings.mailDomain, wkd }, alice.account, [
      'pinned@example.org',
      'wkd@example.net',
      'plain@example.com',
      'x@[127.0.0.1]',
    ]);
    expect(keys.map((k) => [k.address, k.kind, 'source' in k ? k.source : null])).toEqual([
      ['pinned@example.org', 'external-pgp', 'pinned'],
      ['wkd@example.net', 'external-pgp', 'wkd'],
      ['plain@example.com', 'external', null],
      ['x@[127.0.0.1]', 'invalid', null],
    ]);
    // Looked up concurrently: the order of the calls is not part of the contract.
    expect([...asked].sort()).toEqual(['plain@example.com', 'wkd@example.net']);
    // A pinned key is per user: Bob's look-up doesn't see Alice's pin.
    expect((await recipientKeys({ db, mailDomain: settings.mailDomain, wkd }, bob.account, ['pinned@example.org']))[0]!.kind).toBe('external');

    // Pins must fit the address, and can be removed.
    expect(await trpcCode(callerFor(alice).compose.pinKey({ address: 'other@example.org', publicKey: pinned.publicKeyArmored }))).toBe('BAD_REQUEST');
    const [pin] = await callerFor(alice).compose.pinnedKeys();
    expect(pin).toMatchObject({ address: 'pinned@example.org', fingerprint: expect.stringMatching(/^[0-9A-F]{40}$/) });
    expect(await trpcCode(callerFor(bob).compose.unpinKey({ id: pin!.id }))).toBe('NOT_FOUND');
    await callerFor(alice).compose.unpinKey({ id: pin!.id });
    expect(await callerFor(alice).compose.pinnedKeys()).toEqual([]);
  });
});

describe('sending to mailboxes here (compose.scheduleInternal, then filed)', () => {
  it('files one copy per mailbox and the Sent copy in one go, deletes the draft, counts the alias once and wakes both', async () => {
    const caller = callerFor(alice);
    const draft = await caller.compose.saveDraft(await copyFor(alice, 'Subject: draft\r\n\r\nwip'));
    expect(await folderIds(alice, 'drafts')).toContain(draft.id);
    const bobBefore = await folderIds(bob, 'inbox');
    const aliasBefore = await aliasCount(bobAlias);
    notified.length = 0;

    const raw = `From: ${alice.account.address}\r\nTo: ${bob.account.address}, ${bobAlias}\r\nSubject: Hello Bob\r\n\r\nHi!\r\n`;
    const result = await sendNow({
      from: alice.account.address,
      recipients: [await copyFor(bob, raw, { v: 1, subject: 'Hello Bob' }), { ...(await copyFor(bob, raw)), address: bobAlias }],
      sent: await copyFor(alice, raw, { v: 1, subject: 'Hello Bob' }),
      draftId: draft.id,
    });
    expect(result.delivered).toBe(1);

    const bobNew = (await callerFor(bob).mail.list({ folder: 'inbox' })).items.filter((m) => !bobBefore.includes(m.id));
    expect(bobNew).toHaveLength(1);
    expect(bobNew[0]).toMatchObject({ folder: 'inbox', seen: false, size: raw.length });
    expect(JSON.parse(await decryptText(bob, bobNew[0]!.summary)).subject).toBe('Hello Bob');
    // The server's own word on the sender, to Bob's key; mail from the MX has none.
    expect(JSON.parse(await decryptText(bob, bobNew[0]!.origin!))).toEqual({ v: 1, kind: 'internal', from: alice.account.address });
    expect(await decryptText(bob, (await callerFor(bob).mail.get({ id: bobNew[0]!.id })).raw)).toBe(raw);

    const sent = await callerFor(alice).mail.get({ id: result.sentId });
    expect(sent).toMatchObject({ folder: 'sent', seen: true });
    expect(await decryptText(alice, sent.raw)).toBe(raw);
    expect(await folderIds(alice, 'drafts')).not.toContain(draft.id);
    expect(await aliasCount(bobAlias)).toBe(aliasBefore + 1);

    // Only this test's users: other files deliver into the same database at the same time.
    const ours = [alice.account.id, bob.account.id];
    await expect.poll(() => notified.filter((id) => ours.includes(id)).sort()).toEqual(ours.sort());
  });

  it('refuses, and stores nothing, when any copy is not encrypted to its mailbox: wrong key, plaintext, or a Sent copy for someone else', async () => {
    const caller = callerFor(alice);
    const raw = 'Subject: sneaky\r\n\r\nbody\r\n';
    const bobBefore = await folderIds(bob, 'inbox');
    const sentBefore = await folderIds(alice, 'sent');
    const good = await copyFor(bob, raw);
    const sent = await copyFor(alice, raw);

    const toMallory = await copyFor(mallory, raw);
    expect(await trpcCode(sendNow({ from: alice.account.address, recipients: [{ ...toMallory, address: bob.account.address }], sent }))).toBe('BAD_REQUEST');

    const plaintext = { raw: toBase64(utf8(raw)), summary: toBase64(utf8('{"v":1}')), size: raw.length };
    expect(await trpcCode(sendNow({ from: alice.account.address, recipients: [{ ...plaintext, address: bob.account.address }], sent }))).toBe('BAD_REQUEST');

    // A good raw message with a summary for the wrong key is refused as a whole.
    const mixed = { ...good, summary: toBase64(await encryptBytes(utf8('{}'), [mallory.publicKeyArmored])) };
    expect(await trpcCode(sendNow({ from: alice.account.address, recipients: [{ ...mixed, address: bob.account.address }], sent }))).toBe('BAD_REQUEST');

    // The Sent copy must be Alice's: one encrypted only to Bob is refused even though Bob's copy is fine.
    expect(await trpcCode(sendNow({ from: alice.account.address, recipients: [{ ...good, address: bob.account.address }], sent: good }))).toBe('BAD_REQUEST');

    expect(await folderIds(bob, 'inbox')).toEqual(bobBefore);
    expect(await folderIds(alice, 'sent')).toEqual(sentBefore);
  });

  it('sends only from the user’s own addresses and enabled aliases, and only to mailboxes here', async () => {
    const caller = callerFor(alice);
    const raw = 'Subject: from\r\n\r\nx\r\n';
    const recipients = [await copyFor(bob, raw)];
    const sent = await copyFor(alice, raw);
    expect(await trpcCode(sendNow({ from: bob.account.address, recipients, sent }))).toBe('FORBIDDEN');
    expect(await trpcCode(sendNow({ from: aliceOffAlias, recipients, sent }))).toBe('FORBIDDEN');
    expect((await sendNow({ from: aliceAlias.toUpperCase(), recipients, sent })).delivered).toBe(1);

    const outside = [{ ...(await copyFor(bob, raw)), address: 'someone@example.org' }];
    expect(await trpcCode(sendNow({ from: alice.account.address, recipients: outside, sent }))).toBe('BAD_REQUEST');
    expect(await trpcCode(sendNow({ from: alice.account.address, recipients: [{ ...recipients[0]!, address: 'nobody-x@localhost' }], sent }))).toBe(
      'BAD_REQUEST',
    );
  });
});

describe('drafts', () => {
  it('saves over the same draft, never over other mail, only encrypted to the owner; deletes only drafts', async () => {
    const caller = callerFor(alice);
    const first = await caller.compose.saveDraft(await copyFor(alice, 'Subject: v1\r\n\r\n1'));
    const second = await caller.compose.saveDraft({ id: first.id, ...(await copyFor(alice, 'Subject: v2\r\n\r\n2')) });
    expect(second.id).toBe(first.id);
    expect(await decryptText(alice, (await caller.mail.get({ id: first.id })).raw)).toBe('Subject: v2\r\n\r\n2');
    expect(await trpcCode(caller.compose.saveDraft(await copyFor(bob, 'Subject: x\r\n\r\n')))).toBe('BAD_REQUEST');

    // An id that isn't a draft (an inbox message, or Bob's draft) is left alone: a new draft is made.
    const inboxId = await insertTestMessage(db, alice.account.id, alice.publicKeyArmored, { raw: 'Subject: inbox\r\n\r\nkeep me' });
    const fresh = await caller.compose.saveDraft({ id: inboxId, ...(await copyFor(alice, 'Subject: v3\r\n\r\n3')) });
    expect(fresh.id).not.toBe(inboxId);
    expect(await decryptText(alice, (await caller.mail.get({ id: inboxId })).raw)).toBe('Subject: inbox\r\n\r\nkeep me');
    expect(await caller.compose.deleteDraft({ id: inboxId })).toEqual({ deleted: false });
    expect(await callerFor(bob).compose.deleteDraft({ id: first.id })).toEqual({ deleted: false });
    expect(await caller.compose.deleteDraft({ id: first.id })).toEqual({ deleted: true });

    // Mail can't be moved into Drafts or Sent by hand.
    expect(await trpcCode(caller.mail.move({ ids: [inboxId], folder: 'drafts' as 'inbox' }))).toBe('BAD_REQUEST');
  });
});
