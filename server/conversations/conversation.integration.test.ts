import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { trpcCallers, trpcCode } from '../../testing/api';
import { useTestDb } from '../../testing/db';
import { type TestUser, createTestUser } from '../../testing/factories';
import { insertTestMessage, testSummary } from '../../testing/mail';

const db = useTestDb();
const callerFor = trpcCallers(db);
const newKey = () => randomBytes(32).toString('base64url');

describe('conversations', () => {
  let alice: TestUser;
  let mallory: TestUser;
  beforeAll(async () => {
    [alice, mallory] = await Promise.all([createTestUser(db), createTestUser(db)]);
  });

  const store = (user: TestUser, folder: 'inbox' | 'sent' | 'trash', at: string, seen = false) =>
    insertTestMessage(db, user.account.id, user.publicKeyArmored, { folder, seen, receivedAt: new Date(at), summary: testSummary({ subject: at }) });

  it('lists a thread across inbox and sent as one row of 4, and a message not placed yet as its own', async () => {
    const caller = callerFor(alice);
    const thread = [
      await store(alice, 'inbox', '2026-11-01T10:00:00Z', true),
      await store(alice, 'inbox', '2026-11-01T11:00:00Z'),
      await store(alice, 'sent', '2026-11-01T12:00:00Z', true),
      await store(alice, 'inbox', '2026-11-01T13:00:00Z'),
    ];
    const single = await store(alice, 'inbox', '2026-11-01T09:00:00Z');
    const loose = await store(alice, 'inbox', '2026-11-01T08:00:00Z');
    const key = newKey();
    const other = newKey();
    expect(await caller.conversations.place({ items: [...thread.map((id) => ({ id, key })), { id: single, key: other }] })).toEqual({ updated: 5 });
    // Placing again changes nothing; someone else can't place Alice's mail.
    expect(await caller.conversations.place({ items: [{ id: single, key: other }] })).toEqual({ updated: 0 });
    expect(await callerFor(mallory).conversations.place({ items: [{ id: loose, key }] })).toEqual({ updated: 0 });

    expect((await caller.conversations.unplaced()).items.map((m) => m.id)).toContain(loose);
    expect((await caller.conversations.unplaced()).items.map((m) => m.id)).not.toContain(single);
    const page = await caller.conversations.list({ folder: 'inbox' });
    const mine = page.items.filter((c) => [thread[3], single, loose].includes(c.latest.id));
    expect(mine.map((c) => [c.latest.id, c.key, c.count, c.unread])).toEqual([
      [thread[3], key, 4, 2],
      [single, other, 1, 1],
      [loose, null, 1, 1],
    ]);
    expect(mine[0]!.recent.map((m) => m.id)).toEqual([thread[3], thread[2], thread[1]]);
    expect(Object.keys(mine[0]!.latest).sort()).toEqual([
      'conversationKey',
      'folder',
      'id',
      'labelIds',
      'origin',
      'receivedAt',
      'seen',
      'size',
      'starred',
      'summary',
    ]);

    // The Sent folder shows the same conversation, headed by its own newest message there.
    const sent = await caller.conversations.list({ folder: 'sent' });
    expect(sent.items.find((c) => c.key === key)).toMatchObject({ count: 4, latest: { id: thread[2] } });

    const opened = await caller.conversations.thread({ key });
    expect(opened.items.map((m) => m.id)).toEqual(thread);
    expect(await trpcCode(callerFor(mallory).conversations.thread({ key }))).toBe('NOT_FOUND');

    // Read, then to the trash, as a whole: the Sent copy goes with it.
    expect(await caller.conversations.setSeen({ keys: [key], seen: true })).toEqual({ updated: 4 });
    expect(await caller.conversations.move({ keys: [key], from: 'inbox', to: 'trash' })).toEqual({ updated: 4 });
    expect(await callerFor(mallory).conversations.move({ keys: [other], from: 'inbox', to: 'trash' })).toEqual({ updated: 0 });
    const trash = await caller.conversations.list({ folder: 'trash' });
    expect(trash.items.find((c) => c.key === key)).toMatchObject({ count: 4, unread: 0 });
    expect((await caller.conversations.list({ folder: 'inbox' })).items.some((c) => c.key === key)).toBe(false);
  });

  it('pages conversations with a keyset cursor without repeating or losing one', async () => {
    const user = await createTestUser(db);
    const caller = callerFor(user);
    const keys = Array.from({ length: 60 }, newKey);
    const placed: { id: string; key: string }[] = [];
    for (let i = 0; i < 120; i++) {
      // Four messages to a minute: the page boundary falls among equal times, where the id decides.
      const id = await store(user, 'inbox', new Date(Date.UTC(2026, 10, 1) + Math.floor(i / 4) * 60_000).toISOString());
      placed.push({ id, key: keys[i % 60]! });
    }
    await caller.conversations.place({ items: placed });
    const first = await caller.conversations.list({ folder: 'inbox' });
    expect(first.items).toHaveLength(50);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await caller.conversations.list({ folder: 'inbox', cursor: first.nextCursor });
    expect(second.items).toHaveLength(10);
    expect(second.nextCursor).toBeNull();
    const all = [...first.items, ...second.items];
    expect(new Set(all.map((c) => c.key)).size).toBe(60);
    expect(all.every((c) => c.count === 2)).toBe(true);
    // Newest first across the two pages.
    const times = all.map((c) => c.latest.receivedAt);
    expect(times).toEqual([...times].sort().reverse());
  });

  it('keeps the first vault key offered and refuses a malformed conversation key', async () => {
    const user = await createTestUser(db);
    const caller = callerFor(user);
    expect(await caller.conversations.vaultKey({ purpose: 'conversation' })).toEqual({ ciphertext: null });
    const first = randomBytes(200).toString('base64');
    expect(await caller.conversations.offerVaultKey({ purpose: 'conversation', ciphertext: first })).toEqual({ ciphertext: first });
    expect(await caller.conversations.offerVaultKey({ purpose: 'conversation', ciphertext: randomBytes(200).toString('base64') })).toEqual({
      ciphertext: first,
    });
    expect(await caller.conversations.vaultKey({ purpose: 'conversation' })).toEqual({ ciphertext: first });
    expect(await callerFor(mallory).conversations.vaultKey({ purpose: 'conversation' })).toEqual({ ciphertext: null });
    expect(await trpcCode(caller.conversations.place({ items: [{ id: crypto.randomUUID(), key: 'subject:hello' }] }))).toBe('BAD_REQUEST');
  });
});
