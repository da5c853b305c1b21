import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteLabel, insertLabel } from '../db/repositories/mailbox-organize.repository';
import { countMessages } from '../db/repositories/message.repository';
import { AppError } from '../server/errors';
import { addFilter, listFilters, removeFilter } from '../server/mail/mail-filter.service';
import { createTestUser, type TestUser } from '../testing/factories';
import { useTestDb } from '../testing/db';
import { decryptStored, queuedId, type Sidecar, startSidecar } from '../testing/smtp-harness';
import { sendTransaction } from '../testing/smtp-raw-client';

/** Per-user filter rules, applied by the MX at arrival, over real SMTP. */
const db = useTestDb();
let sidecar: Sidecar;
let bob: TestUser;
let carol: TestUser;

beforeAll(async () => {
  sidecar = await startSidecar(db);
  [bob, carol] = await Promise.all([createTestUser(db), createTestUser(db)]);
  await addFilter(db, bob.account.id, { field: 'from', contains: 'NEWS@shop.example', action: 'move', folder: 'trash' });
  await addFilter(db, bob.account.id, { field: 'subject', contains: 'digest', action: 'mark_read', folder: null });
  await addFilter(db, bob.account.id, { field: 'has_attachment', contains: 'ignored', action: 'discard', folder: null });
});
afterAll(() => sidecar?.close());

async function send(from: string, subject: string, to: TestUser[], mime = { headers: '', body: 'Hello\r\n' }) {
  const client = await sidecar.connectEhlo();
  const message = Buffer.from(`From: <${from}>\r\nSubject: ${subject}\r\n${mime.headers}\r\n${mime.body}`);
  const tx = await sendTransaction(client, { from, to: to.map((u) => `${u.username}@localhost`) }, message);
  client.close();
  return tx.final!;
}

describe('filter rules at arrival', () => {
  it('move, mark read and discard apply to their owner only; other recipients get the message as sent', async () => {
    const moved = await send('news@shop.example', 'Weekly offers', [bob, carol]);
    expect(moved.code).toBe(250);
    const [first] = await db.selectFrom('messages').select(['user_id', 'folder', 'seen']).where('id', '=', queuedId(moved)).execute();
    expect(first).toEqual({ user_id: bob.account.id, folder: 'trash', seen: false });
    expect((await countMessages(db, carol.account.id, 'inbox')).total).toBe(1);

    const read = await send('friend@elsewhere.example', 'Daily digest', [bob]);
    const stored = await decryptStored(db, bob, queuedId(read));
    expect({ folder: stored.row.folder, seen: stored.row.seen }).toEqual({ folder: 'inbox', seen: true });

    // Discarded for bob, by his own rule: 250, and nothing stored for him.
    const before = (await countMessages(db, bob.account.id, 'inbox')).total;
    const discarded = await send('friend@elsewhere.example', 'With a file', [bob], {
      headers: 'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n',
      body: '--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename="x.pdf"\r\n\r\nPDF\r\n--b--\r\n',
    });
    expect(discarded.code).toBe(250);
    expect((await countMessages(db, bob.account.id, 'inbox')).total).toBe(before);
  });

  it('rules are validated and owned: empty text, a move with no folder, and another user’s rule are refused', async () => {
    await expect(addFilter(db, bob.account.id, { field: 'subject', contains: '  ', action: 'discard', folder: null })).rejects.toThrow(AppError);
    await expect(addFilter(db, bob.account.id, { field: 'subject', contains: 'x', action: 'move', folder: null })).rejects.toThrow(/folder/);
    const [rule] = await listFilters(db, bob.account.id);
    await expect(removeFilter(db, carol.account.id, rule!.id)).rejects.toThrow(/no longer exists/);
    expect(await listFilters(db, bob.account.id)).toHaveLength(3);
  });

  it('label: matching mail arrives with its owner’s labels, the rule names only a label of its owner, and goes with the label', async () => {
    const label = (user: TestUser, kind: 'label' | 'folder' = 'label') =>
      insertLabel(db, { user_id: user.account.id, kind, name_ciphertext: new Uint8Array([1, 2, 3]), color: 'green' });
    const [receipts, money, folder, carols] = await Promise.all([label(bob), label(bob), label(bob, 'folder'), label(carol)]);
    await expect(addFilter(db, bob.account.id, { field: 'subject', contains: 'x', action: 'label', folder: null })).rejects.toThrow(/label/);
    await expect(addFilter(db, bob.account.id, { field: 'subject', contains: 'x', action: 'label', folder: null, labelId: folder.id })).rejects.toThrow(
      /no longer exists/,
    );
    await expect(addFilter(db, bob.account.id, { field: 'subject', contains: 'x', action: 'label', folder: null, labelId: carols.id })).rejects.toThrow(
      /no longer exists/,
    );
    const rule = await addFilter(db, bob.account.id, { field: 'subject', contains: 'INVOICE', action: 'label', folder: 'trash', labelId: receipts.id });
    expect(rule).toMatchObject({ action: 'label', folder: null, labelId: receipts.id });
    await addFilter(db, bob.account.id, { field: 'from', contains: 'billing@', action: 'label', folder: null, labelId: money.id });
    await addFilter(db, bob.account.id, { field: 'from', contains: 'billing@', action: 'label', folder: null, labelId: receipts.id });

    const labelsOf = async (id: string) =>
      (await db.selectFrom('message_labels').select('label_id').where('message_id', '=', id).execute()).map((row) => row.label_id).sort();
    const reply = await send('billing@shop.example', 'Your invoice 42', [bob, carol]);
    expect(reply.code).toBe(250);
    const copies = await db
      .selectFrom('messages')
      .select(['id', 'user_id', 'folder'])
      .where('received_at', '>=', new Date(Date.now() - 60_000))
      .execute();
    const bobs = await decryptStored(db, bob, queuedId(reply));
    expect(bobs.row.folder).toBe('inbox');
    expect(await labelsOf(bobs.row.id)).toEqual([receipts.id, money.id].sort());
    const carolsCopy = copies.find((c) => c.user_id === carol.account.id && c.id !== bobs.row.id);
    expect(carolsCopy).toBeDefined();
    expect(await labelsOf(carolsCopy!.id)).toEqual([]);

    // No match, no label.
    const plain = await send('friend@elsewhere.example', 'Lunch?', [bob]);
    expect(await labelsOf(queuedId(plain))).toEqual([]);

    // A removed label takes its rules with it; the mail keeps arriving.
    await deleteLabel(db, bob.account.id, money.id);
    expect((await listFilters(db, bob.account.id)).filter((r) => r.action === 'label').map((r) => r.labelId)).toEqual([receipts.id, receipts.id]);
    const after = await send('billing@shop.example', 'Another invoice', [bob]);
    expect(after.code).toBe(250);
    expect(await labelsOf(queuedId(after))).toEqual([receipts.id]);
  });
});
