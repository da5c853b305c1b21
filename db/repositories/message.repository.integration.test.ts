import { beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, type TestUser } from '../../testing/factories';
import { useTestDb } from '../../testing/db';
import { countMessages, deleteMessages, getMessage, insertMessages, listMessages, moveMessages, setSeen } from './message.repository';

const db = useTestDb();
let owner: TestUser;
let stranger: TestUser;
const bytes = (text: string) => new Uint8Array(Buffer.from(text));

beforeAll(async () => {
  [owner, stranger] = await Promise.all([createTestUser(db), createTestUser(db)]);
});

async function seed(userId: string, times: Date[]) {
  return insertMessages(
    db,
    times.map((received_at, i) => ({
      user_id: userId,
      received_at,
      size: 100 + i,
      raw_ciphertext: bytes(`raw-${i}`),
      summary_ciphertext: bytes(`summary-${i}`),
    })),
  );
}

describe('message repository', () => {
  it('inserts several rows and returns their ids and owners', async () => {
    const rows = await seed(owner.account.id, [new Date('2026-01-01T00:00:00Z'), new Date('2026-01-02T00:00:00Z')]);
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.user_id === owner.account.id && /^[0-9a-f-]{36}$/.test(r.id))).toBe(true);
    expect(await insertMessages(db, [])).toEqual([]);
  });

  it('pages a folder newest first with a keyset cursor, ties broken by id, without the raw copy', async () => {
    const user = await createTestUser(db);
    const same = new Date('2026-03-01T12:00:00.123Z');
    await seed(user.account.id, [new Date('2026-03-01T11:00:00Z'), same, same, same, new Date('2026-03-01T13:00:00Z')]);

    const seen: string[] = [];
    let before: { receivedAt: Date; id: string } | undefined;
    for (;;) {
      const page = await listMessages(db, user.account.id, { folder: 'inbox', limit: 2, before });
      if (page.length === 0) break;
      expect(page[0]).not.toHaveProperty('raw_ciphertext');
      expect(page[0]).toHaveProperty('summary_ciphertext');
      seen.push(...page.map((m) => m.id));
      const last = page[page.length - 1]!;
      before = { receivedAt: last.received_at, id: last.id };
    }
    const all = await listMessages(db, user.account.id, { folder: 'inbox', limit: 100 });
    expect(seen).toEqual(all.map((m) => m.id));
    expect(new Set(seen).size).toBe(5);
    const times = all.map((m) => m.received_at.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const tied = all.filter((m) => m.received_at.getTime() === same.getTime()).map((m) => m.id);
    expect(tied).toEqual([...tied].sort().reverse());
  });

  it("counts, marks seen, moves and deletes only the owner's messages", async () => {
    const user = await createTestUser(db);
    const [a, b, c] = await seed(user.account.id, [new Date(), new Date(), new Date()]);
    expect(await countMessages(db, user.account.id, 'inbox')).toEqual({ total: 3, unread: 3 });

    expect(await setSeen(db, stranger.account.id, [a!.id], true)).toBe(0);
    expect(await setSeen(db, user.account.id, [a!.id, b!.id], true)).toBe(2);
    expect(await countMessages(db, user.account.id, 'inbox')).toEqual({ total: 3, unread: 1 });

    expect(await moveMessages(db, stranger.account.id, [c!.id], 'trash')).toBe(0);
    expect(await moveMessages(db, user.account.id, [c!.id], 'trash')).toBe(1);
    expect(await countMessages(db, user.account.id, 'trash')).toEqual({ total: 1, unread: 1 });

    expect(await getMessage(db, stranger.account.id, a!.id)).toBeUndefined();
    const own = await getMessage(db, user.account.id, a!.id);
    expect(Buffer.from(own!.raw_ciphertext).toString()).toBe('raw-0');

    expect(await deleteMessages(db, stranger.account.id, [a!.id])).toBe(0);
    expect(await deleteMessages(db, user.account.id, [a!.id, b!.id])).toBe(2);
    expect(await countMessages(db, user.account.id, 'inbox')).toEqual({ total: 0, unread: 0 });
    expect(await setSeen(db, user.account.id, [], true)).toBe(0);
  });

  it('defaults received_at to millisecond precision so a cursor from a JS Date finds the next row', async () => {
    const user = await createTestUser(db);
    // One statement: both rows get the same now(), so only the id orders them.
    const row = (name: string) => ({ user_id: user.account.id, size: 1, raw_ciphertext: bytes(name), summary_ciphertext: bytes(name) });
    await insertMessages(db, [row('a'), row('b')]);
    const [first] = await listMessages(db, user.account.id, { folder: 'inbox', limit: 1 });
    const next = await listMessages(db, user.account.id, { folder: 'inbox', limit: 1, before: { receivedAt: first!.received_at, id: first!.id } });
    expect(next).toHaveLength(1);
    expect(next[0]!.id).not.toBe(first!.id);
  });
});
