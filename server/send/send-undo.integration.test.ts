import { describe, expect, it } from 'vitest';
import { checkEncryptedTo } from '../../crypto';
import { insertDraft } from '../../db/repositories/draft.repository';
import type { Clock } from '../clock';
import { env } from '../env';
import { AppError } from '../errors';
import { findOutbound } from '../../db/repositories/outbound.repository';
import { ownLimits } from './send-limits';
import { useIsolatedDb } from '../../testing/outbound/isolated-db';
import { type TestUser, createTestUser } from '../../testing/factories';
import { queueTestMail } from '../../testing/outgoing-mail';
import { copyFor, decryptText } from '../../testing/mail';
import { cancelScheduledInternal, fileScheduledInternal, scheduleInternal } from './scheduled-send.service';
import { settingsFrom } from '../settings';

const settings = settingsFrom(env());

/**
 * Undo on the server: an immediate send is a scheduled send at now + UNDO_SEND_SECONDS that holds
 * the copies for mailboxes here, the Sent copy and the draft it replaces, and names its parts for
 * elsewhere. Filing needs no browser; one cancel takes back every part and the limits it counted.
 */
const isolated = useIsolatedDb();
let now = new Date('2026-11-23T09:00:00Z').getTime();
const clock: Clock = { now: () => new Date(now) };
const noQueue = { enqueueDelivery: async () => undefined, enqueueFiling: async () => undefined };

const folderOf = (user: TestUser, folder: string) =>
  isolated.db().selectFrom('messages').selectAll().where('user_id', '=', user.account.id).where('folder', '=', folder).execute();

/** A send as the browser makes it: the part for elsewhere queued first, then the send that names it. */
async function immediateSend(alice: TestUser, bob: TestUser, subject: string) {
  const db = isolated.db();
  const raw = `From: ${alice.account.address}\r\nSubject: ${subject}\r\n\r\nHello\r\n`;
  const draftId = await insertDraft(db, {
    user_id: alice.account.id,
    received_at: clock.now(),
    size: 1,
    raw_ciphertext: new Uint8Array(8),
    summary_ciphertext: new Uint8Array(8),
  });
  const outbound = await queueTestMail(db, noQueue, clock, alice.account, {
    from: alice.account.address,
    to: ['pat@example.org', bob.account.address],
    cc: [],
    bcc: [],
    envelope: ['pat@example.org'],
    subject,
    text: 'Hello',
  });
  const { raw: sentRaw, summary, size } = await copyFor(alice, raw);
  const send = await scheduleInternal(db, noQueue, clock, settings, alice.account, {
    from: alice.account.address,
    recipients: [await copyFor(bob, raw)],
    sent: { raw: sentRaw, summary, size },
    draftId,
    outboundIds: [outbound.id],
  });
  return { raw, draftId, outbound, send };
}

describe('an immediate send is a scheduled send', () => {
  it('waits the undo window on the server, then files the copies and the Sent copy and drops the draft, with no browser', async () => {
    const [alice, bob] = [await createTestUser(isolated.db()), await createTestUser(isolated.db())];
    const { raw, draftId, outbound, send } = await immediateSend(alice, bob, 'Filed');
    const window = env().UNDO_SEND_SECONDS * 1000;
    expect(send.sendAt).toBe(new Date(now + window).toISOString());
    expect(outbound.sendAt).toBe(send.sendAt);
    // Inside the window: nothing filed, the draft still there, the Sent copy held as ciphertext to Alice.
    expect(await folderOf(bob, 'inbox')).toEqual([]);
    expect(await folderOf(alice, 'sent')).toEqual([]);
    expect((await folderOf(alice, 'drafts')).map((m) => m.id)).toEqual([draftId]);
    const held = await isolated.db().selectFrom('scheduled_internal_sends').selectAll().where('id', '=', send.id).executeTakeFirstOrThrow();
    expect(await checkEncryptedTo(held.sent_raw_ciphertext!, alice.publicKeyArmored)).toEqual({ status: 'ok' });
    expect(await fileScheduledInternal(isolated.db(), clock, send.id)).toMatchObject({ outcome: 'not-due' });

    now += window;
    expect(await fileScheduledInternal(isolated.db(), clock, send.id)).toEqual({ outcome: 'filed', delivered: 1 });
    const [bobCopy] = await folderOf(bob, 'inbox');
    expect(await decryptText(bob, bobCopy!.raw_ciphertext)).toBe(raw);
    const [sent] = await folderOf(alice, 'sent');
    expect(sent).toMatchObject({ seen: true, size: raw.length });
    expect(await decryptText(alice, sent!.raw_ciphertext)).toBe(raw);
    expect(await folderOf(alice, 'drafts')).toEqual([]);
    const after = await isolated.db().selectFrom('scheduled_internal_sends').selectAll().where('id', '=', send.id).executeTakeFirstOrThrow();
    expect(after).toMatchObject({ status: 'delivered', sent_raw_ciphertext: null, sent_summary_ciphertext: null, draft_id: null });
  });

  it('Undo is one cancel: every part, the Sent copy and the counted recipients go; the draft stays', async () => {
    const [alice, bob] = [await createTestUser(isolated.db()), await createTestUser(isolated.db())];
    const { draftId, outbound, send } = await immediateSend(alice, bob, 'Undone');
    expect(await ownLimits(isolated.db(), clock, settings, alice.account)).toMatchObject({ usedLastHour: 2 });

    const cancelled = await cancelScheduledInternal(isolated.db(), clock, alice.account, send.id);
    expect(cancelled).toMatchObject({ status: 'cancelled', recipients: [bob.account.address] });
    expect(await findOutbound(isolated.db(), outbound.id)).toMatchObject({ status: 'cancelled', sealed_mime: null });
    expect(await ownLimits(isolated.db(), clock, settings, alice.account)).toMatchObject({ usedLastHour: 0 });
    const row = await isolated.db().selectFrom('scheduled_internal_sends').selectAll().where('id', '=', send.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'cancelled', sent_raw_ciphertext: null, sent_summary_ciphertext: null });

    now += 60_000;
    expect(await fileScheduledInternal(isolated.db(), clock, send.id)).toEqual({ outcome: 'gone' });
    expect(await folderOf(bob, 'inbox')).toEqual([]);
    expect(await folderOf(alice, 'sent')).toEqual([]);
    expect((await folderOf(alice, 'drafts')).map((m) => m.id)).toEqual([draftId]);
  });

  it('cancels nothing once a part for elsewhere has started going out', async () => {
    const [alice, bob] = [await createTestUser(isolated.db()), await createTestUser(isolated.db())];
    const { outbound, send } = await immediateSend(alice, bob, 'Too late');
    // What the deliverer does when it takes the message.
    await isolated.db().updateTable('outbound_messages').set({ status: 'sending' }).where('id', '=', outbound.id).execute();
    const refused = await cancelScheduledInternal(isolated.db(), clock, alice.account, send.id).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('INVALID_STATE');
    const row = await isolated.db().selectFrom('scheduled_internal_sends').selectAll().where('id', '=', send.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('scheduled');
    expect(row.sent_raw_ciphertext).not.toBeNull();
    expect(await isolated.db().selectFrom('scheduled_internal_copies').select('id').where('send_id', '=', send.id).execute()).toHaveLength(1);
    expect(await ownLimits(isolated.db(), clock, settings, alice.account)).toMatchObject({ usedLastHour: 2 });
  });

  it("won't name another user's outbound message, or file a send with nothing in it", async () => {
    const [alice, bob] = [await createTestUser(isolated.db()), await createTestUser(isolated.db())];
    const bobs = await queueTestMail(isolated.db(), noQueue, clock, bob.account, {
      from: bob.account.address,
      to: ['pat@example.org'],
      cc: [],
      bcc: [],
      subject: 'Mine',
      text: 'x',
    });
    const sent = await copyFor(alice, 'Subject: x\r\n\r\nx\r\n');
    const refused = await scheduleInternal(isolated.db(), noQueue, clock, settings, alice.account, {
      from: alice.account.address,
      recipients: [],
      sent,
      outboundIds: [bobs.id],
    }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('NOT_FOUND');
    const empty = await scheduleInternal(isolated.db(), noQueue, clock, settings, alice.account, { from: alice.account.address, recipients: [] }).catch(
      (e: unknown) => e,
    );
    expect((empty as AppError).code).toBe('BAD_INPUT');
    expect((await findOutbound(isolated.db(), bobs.id))!.status).toBe('scheduled');
  });
});
