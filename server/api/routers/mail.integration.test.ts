import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDb } from '../../../testing/db';
import { PAGE_SIZE } from '../../mail/mailbox.service';
import { type TestUser, createTestUser } from '../../../testing/factories';
import { decryptText, insertTestMessage, testSummary } from '../../../testing/mail';
import { trpcCallers, trpcCode } from '../../../testing/api';
import { insertMessages } from '../../../db/repositories/message.repository';

const db = useTestDb();
const callerFor = trpcCallers(db);

describe('mail router', () => {
  let alice: TestUser;
  let mallory: TestUser;
  beforeAll(async () => {
    [alice, mallory] = await Promise.all([createTestUser(db), createTestUser(db)]);
  });

  it('pages a folder newest first with a keyset cursor, ciphertext only, nothing else from the row', async () => {
    const base = Date.parse('2026-11-01T00:00:00.000Z');
    const ids: string[] = [];
    // The five oldest share one timestamp and straddle the page boundary: the id breaks the tie.
    for (let i = 0; i < PAGE_SIZE + 3; i++) {
      const receivedAt = new Date(base + Math.max(i, 4) * 1000);
      ids.push(await insertTestMessage(db, alice.account.id, alice.publicKeyArmored, { summary: testSummary({ subject: `n${i}` }), receivedAt }));
    }
    const caller = callerFor(alice);
    const first = await caller.mail.list({ folder: 'inbox' });
    expect(first.items).toHaveLength(PAGE_SIZE);
    expect(first.nextCursor).toEqual(expect.any(String));
    expect(Object.keys(first.items[0]!).sort()).toEqual(['folder', 'id', 'labelIds', 'origin', 'receivedAt', 'seen', 'size', 'starred', 'summary']);
    const second = await caller.mail.list({ folder: 'inbox', cursor: first.nextCursor });
    expect(second.items).toHaveLength(3);
    expect(second.nextCursor).toBeNull();

    const all = [...first.items, ...second.items];
    expect(new Set(all.map((m) => m.id))).toEqual(new Set(ids));
    const times = all.map((m) => Date.parse(m.receivedAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));

    const summary = JSON.parse(await decryptText(alice, all[0]!.summary));
    expect(summary.subject).toMatch(/^n\d+$/);
    // Times as Date#toISOString writes them, and ciphertext as one line of base64 however long.
    expect(all.at(-1)!.receivedAt).toBe(new Date(base + 4000).toISOString());
    const origin = randomBytes(200);
    await db.updateTable('messages').set({ origin_ciphertext: origin }).where('id', '=', all[0]!.id).execute();
    expect((await caller.mail.list({ folder: 'inbox' })).items[0]!.origin).toBe(origin.toString('base64'));
    expect(await caller.mail.counts()).toEqual({
      inbox: { total: PAGE_SIZE + 3, unread: PAGE_SIZE + 3 },
      drafts: { total: 0, unread: 0 },
      sent: { total: 0, unread: 0 },
      archive: { total: 0, unread: 0 },
      spam: { total: 0, unread: 0 },
      trash: { total: 0, unread: 0 },
    });
  });

  it('answers concurrent list calls from shared statements, each page exactly what it is alone', async () => {
    const [bob, carol] = await Promise.all([createTestUser(db), createTestUser(db)]);
    const base = Date.parse('2026-10-01T00:00:00.000Z');
    for (const [u, user] of [bob, carol].entries()) {
      // Pairs of rows share a time, so the id decides within a page and across its boundary.
      const rows = Array.from({ length: 2 * PAGE_SIZE + 7 }, (_, i) => ({
        user_id: user.account.id,
        folder: i % 3 === 0 ? 'archive' : 'inbox',
        received_at: new Date(base + Math.floor(i / 2) * 1000 + u),
        size: 10,
        raw_ciphertext: randomBytes(40),
        summary_ciphertext: randomBytes(40),
      }));
      await insertMessages(db, rows);
    }
    // Every page of both users' inbox and archive, one call at a time.
    const calls: { user: TestUser; folder: 'inbox' | 'archive'; cursor: string | null }[] = [];
    const alone: Awaited<ReturnType<ReturnType<typeof callerFor>['mail']['list']>>[] = [];
    for (const user of [bob, carol]) {
      for (const folder of ['inbox', 'archive'] as const) {
        let cursor: string | null = null;
        do {
          const page = await callerFor(user).mail.list({ folder, cursor });
          calls.push({ user, folder, cursor });
          alone.push(page);
          cursor = page.nextCursor;
        } while (cursor);
      }
    }
    expect(alone.reduce((n, page) => n + page.items.length, 0)).toBe(2 * (2 * PAGE_SIZE + 7));

    // The same calls at once, on a pool whose statements are counted (a Kysely plugin sees every result).
    let statements = 0;
    const counted = db.withPlugin({
      transformQuery: (args) => args.node,
      transformResult: async (args) => {
        statements++;
        return args.result;
      },
    });
    const countedCaller = trpcCallers(counted);
    const together = await Promise.all(calls.map(({ user, folder, cursor }) => countedCaller(user).mail.list({ folder, cursor })));
    expect(together).toEqual(alone);
    // Two statements may be in flight: the first two calls went alone, the third statement took the rest.
    expect(statements).toBe(3);
  });

  it('returns the raw message, which decrypts byte for byte', async () => {
    const raw = 'Authentication-Results: localhost; spf=pass\r\nSubject: Raw\r\n\r\nBody ✓\r\n';
    const id = await insertTestMessage(db, alice.account.id, alice.publicKeyArmored, { raw });
    const message = await callerFor(alice).mail.get({ id });
    expect(message).toMatchObject({ id, folder: 'inbox', seen: false });
    expect(await decryptText(alice, message.raw)).toBe(raw);
  });

  it('marks read and unread, moves to the trash and deletes for good only from the trash', async () => {
    const caller = callerFor(alice);
    const id = await insertTestMessage(db, alice.account.id, alice.publicKeyArmored);
    const before = await caller.mail.counts();

    expect(await caller.mail.setSeen({ ids: [id], seen: true })).toEqual({ updated: 1 });
    expect((await caller.mail.get({ id })).seen).toBe(true);
    expect((await caller.mail.counts()).inbox.unread).toBe(before.inbox.unread - 1);
    await caller.mail.setSeen({ ids: [id], seen: false });
    expect((await caller.mail.counts()).inbox.unread).toBe(before.inbox.unread);

    // Still in the inbox: "delete for good" must not touch it.
    expect(await caller.mail.deleteForever({ ids: [id] })).toEqual({ deleted: 0 });
    expect(await caller.mail.move({ ids: [id], folder: 'trash' })).toEqual({ updated: 1 });
    const trash = await caller.mail.list({ folder: 'trash' });
    expect(trash.items.map((m) => m.id)).toEqual([id]);
    expect((await caller.mail.counts()).trash).toEqual({ total: 1, unread: 1 });

    expect(await caller.mail.deleteForever({ ids: [id] })).toEqual({ deleted: 1 });
    expect(await trpcCode(caller.mail.get({ id }))).toBe('NOT_FOUND');
  });

  it("never shows or changes another user's mail", async () => {
    const id = await insertTestMessage(db, alice.account.id, alice.publicKeyArmored, { folder: 'trash' });
    const caller = callerFor(mallory);
    expect((await caller.mail.list({ folder: 'inbox' })).items).toEqual([]);
    expect((await caller.mail.list({ folder: 'trash' })).items).toEqual([]);
    expect(await trpcCode(caller.mail.get({ id }))).toBe('NOT_FOUND');
    expect(await caller.mail.setSeen({ ids: [id], seen: true })).toEqual({ updated: 0 });
    expect(await caller.mail.move({ ids: [id], folder: 'inbox' })).toEqual({ updated: 0 });
    expect(await caller.mail.deleteForever({ ids: [id] })).toEqual({ deleted: 0 });
    expect((await callerFor(alice).mail.get({ id })).folder).toBe('trash');
  });

  it('refuses callers without a session, forged cursors and bad input', async () => {
    expect(await trpcCode(callerFor(null).mail.list({ folder: 'inbox' }))).toBe('UNAUTHORIZED');
    const caller = callerFor(alice);
    expect(await trpcCode(caller.mail.list({ folder: 'inbox', cursor: "1'; DROP TABLE messages" }))).toBe('BAD_REQUEST');
    expect(await trpcCode(caller.mail.list({ folder: 'junk' as 'inbox' }))).toBe('BAD_REQUEST');
    expect(await trpcCode(caller.mail.setSeen({ ids: [], seen: true }))).toBe('BAD_REQUEST');
    expect(await trpcCode(caller.mail.get({ id: 'not-a-uuid' }))).toBe('BAD_REQUEST');
  });
});
