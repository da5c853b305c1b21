import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
});
