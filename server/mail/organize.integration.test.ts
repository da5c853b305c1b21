import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { encryptBytes, toBase64, utf8 } from '../../crypto';
import { trpcCallers, trpcCode } from '../../testing/api';
import { useTestDb } from '../../testing/db';
import { type TestUser, createTestUser } from '../../testing/factories';
import { decryptText, insertTestMessage } from '../../testing/mail';
import { purgeOldTrashAndSpam } from './organize.service';

const db = useTestDb();
const callerFor = trpcCallers(db);
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  // One after the other: two key generations at once starve the event loop on a busy machine.
  alice = await createTestUser(db);
  bob = await createTestUser(db);
});

/** Copies one stored message `n` times, as a mailbox with many messages (the list is by time). */
async function fill(user: TestUser, n: number, folder: 'inbox' | 'archive' = 'inbox') {
  const template = await insertTestMessage(db, user.account.id, user.publicKeyArmored, { folder });
  await sql`INSERT INTO messages (user_id, folder, seen, received_at, size, raw_ciphertext, summary_ciphertext)
    SELECT user_id, folder, seen, received_at - (g * interval '1 second'), size, raw_ciphertext, summary_ciphertext
    FROM messages, generate_series(1, ${n - 1}) AS g WHERE id = ${template}`.execute(db);
}

const nameFor = async (user: TestUser, name: string) => toBase64(await encryptBytes(utf8(name), [user.publicKeyArmored]));

describe('labels and own folders', () => {
  it('keeps names only as ciphertext to the owner, and refuses a name encrypted to someone else', async () => {
    const label = await callerFor(alice).organize.createLabel({ kind: 'label', name: await nameFor(alice, 'Receipts'), color: 'green' });
    const row = await db.selectFrom('mail_labels').selectAll().where('id', '=', label.id).executeTakeFirstOrThrow();
    expect(Buffer.from(row.name_ciphertext).includes(Buffer.from('Receipts'))).toBe(false);
    expect(await decryptText(alice, row.name_ciphertext)).toBe('Receipts');
    expect(await trpcCode(callerFor(alice).organize.createLabel({ kind: 'label', name: await nameFor(bob, 'Spy'), color: 'red' }))).toBe('BAD_REQUEST');
    expect(await callerFor(bob).organize.labels()).toEqual([]);
    expect(await trpcCode(callerFor(bob).organize.deleteLabel({ id: label.id }))).toBe('NOT_FOUND');
  });
});

describe('organize.apply', () => {
  it('takes whole conversations in one call: every member but Drafts and Trash, unplaced rows by id, or all conversations in a folder', async () => {
    const key = (c: string) => c.repeat(43);
    const put = async (folder: 'inbox' | 'sent' | 'drafts' | 'trash', conversation: string | null) => {
      const id = await insertTestMessage(db, bob.account.id, bob.publicKeyArmored, { folder, seen: false });
      await db.updateTable('messages').set({ conversation_key: conversation }).where('id', '=', id).execute();
      return id;
    };
    for (const folder of ['inbox', 'inbox', 'sent', 'drafts', 'trash'] as const) await put(folder, key('a'));
    for (const folder of ['inbox', 'sent'] as const) await put(folder, key('b'));
    const unplaced = await put('inbox', null);
    await put('inbox', null);
    const folderOf = async () =>
      (await db.selectFrom('messages').select(['folder', 'conversation_key']).where('user_id', '=', bob.account.id).execute())
        .map((r) => `${r.folder}:${r.conversation_key?.[0] ?? '-'}`)
        .sort();

    const archived = await callerFor(bob).organize.bulk({
      selection: { conversations: [key('a')], ids: [unplaced], in: 'inbox' },
      action: { kind: 'move', folder: 'archive' },
    });
    expect(archived.updated).toBe(4);
    expect(await folderOf()).toEqual(['archive:-', 'archive:a', 'archive:a', 'archive:a', 'drafts:a', 'inbox:-', 'inbox:b', 'sent:b', 'trash:a']);
    // Alice can't reach Bob's conversations by key.
    expect((await callerFor(alice).organize.bulk({ selection: { conversationsIn: 'inbox' }, action: { kind: 'star', value: true } })).updated).toBe(0);

    // Everything in the Inbox as conversations: b (its Sent copy too) and the unplaced one left there.
    const read = await callerFor(bob).organize.bulk({ selection: { conversationsIn: 'inbox' }, action: { kind: 'seen', value: true } });
    expect(read.updated).toBe(3);
    await callerFor(bob).organize.undoMoves({ moves: archived.moves });
    expect((await folderOf()).filter((f) => f.startsWith('inbox'))).toHaveLength(5);
  });

  it('moves every message of a folder, pages never listed included, and Undo puts them back', async () => {
    await fill(alice, 320);
    const firstPage = await callerFor(alice).mail.list({ folder: 'inbox' });
    expect(firstPage.items).toHaveLength(50);
    const result = await callerFor(alice).organize.bulk({ selection: { folder: 'inbox' }, action: { kind: 'move', folder: 'archive' } });
    expect(result.updated).toBe(320);
    expect(result.moves.every((m) => m.from === 'inbox')).toBe(true);
    const counts = await callerFor(alice).organize.counts();
    expect(counts.folders.archive?.total).toBe(320);
    expect(counts.folders.inbox).toBeUndefined();
    // Bob's call over Alice's ids changes nothing.
    expect(
      (await callerFor(bob).organize.bulk({ selection: { ids: result.moves.slice(0, 5).map((m) => m.id) }, action: { kind: 'move', folder: 'trash' } }))
        .updated,
    ).toBe(0);

    await callerFor(alice).organize.undoMoves({ moves: result.moves });
    expect((await callerFor(alice).organize.counts()).folders.inbox?.total).toBe(320);
  });

  it('stars, labels, marks read and counts unread per label; refuses moves to Sent or a stranger folder', async () => {
    const [a, b] = (await callerFor(alice).mail.list({ folder: 'inbox' })).items.map((m) => m.id);
    const label = await callerFor(alice).organize.createLabel({ kind: 'label', name: await nameFor(alice, 'Work'), color: 'blue' });
    await callerFor(alice).organize.bulk({ selection: { ids: [a!, b!] }, action: { kind: 'label', labelId: label.id, value: true } });
    await callerFor(alice).organize.bulk({ selection: { ids: [a!] }, action: { kind: 'star', value: true } });
    await callerFor(alice).organize.bulk({ selection: { ids: [b!] }, action: { kind: 'seen', value: true } });
    const listed = (await callerFor(alice).mail.list({ folder: 'inbox' })).items;
    expect(listed.find((m) => m.id === a)).toMatchObject({ starred: true, labelIds: [label.id], seen: false });
    expect(listed.find((m) => m.id === b)).toMatchObject({ starred: false, labelIds: [label.id], seen: true });
    expect((await callerFor(alice).organize.counts()).labels[label.id]).toEqual({ total: 2, unread: 1 });

    // "Mark all as read" is seen on the whole folder.
    await callerFor(alice).organize.bulk({ selection: { folder: 'inbox' }, action: { kind: 'seen', value: true } });
    expect((await callerFor(alice).organize.counts()).folders.inbox?.unread).toBe(0);

    expect(await trpcCode(callerFor(alice).organize.bulk({ selection: { ids: [a!] }, action: { kind: 'move', folder: 'sent' } }))).toBe('BAD_REQUEST');
    const bobsFolder = await callerFor(bob).organize.createLabel({ kind: 'folder', name: await nameFor(bob, 'Mine'), color: 'slate' });
    expect(await trpcCode(callerFor(alice).organize.bulk({ selection: { ids: [a!] }, action: { kind: 'move', folder: bobsFolder.id } }))).toBe('BAD_REQUEST');
  });

  it('deletes for good only what is in Trash (Empty Trash), and the worker purges Trash and Spam after the set days', async () => {
    const [a, b] = (await callerFor(alice).mail.list({ folder: 'inbox' })).items.map((m) => m.id);
    expect((await callerFor(alice).organize.bulk({ selection: { folder: 'trash' }, action: { kind: 'delete-forever', folder: 'trash' } })).updated).toBe(0);
    await callerFor(alice).organize.bulk({ selection: { ids: [a!] }, action: { kind: 'move', folder: 'trash' } });
    await callerFor(alice).organize.bulk({ selection: { ids: [b!] }, action: { kind: 'move', folder: 'spam' } });
    // Inbox mail named in an Empty Trash is untouched.
    expect((await callerFor(alice).organize.bulk({ selection: { ids: [a!, b!] }, action: { kind: 'delete-forever', folder: 'trash' } })).updated).toBe(1);

    await db
      .updateTable('messages')
      .set({ moved_at: new Date(Date.now() - 31 * 86_400_000) })
      .where('id', '=', b!)
      .execute();
    expect(await purgeOldTrashAndSpam(db, new Date(), 30)).toBeGreaterThanOrEqual(1);
    expect(await db.selectFrom('messages').select('id').where('id', '=', b!).executeTakeFirst()).toBeUndefined();
  });
});
