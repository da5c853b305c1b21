import { afterAll, describe, expect, inject, it } from 'vitest';
import { createDb, timeoutsFor } from '../../db/client';
import { countMessages } from '../../db/repositories/message.repository';
import { storeInboundBatch } from '../../db/repositories/inbound.repository';
import { createTestUser } from '../../testing/factories';
import { createGroupCommit } from './group-commit.service';

// A longer connect timeout than the default 3 s: on a busy machine a new connection can take that
// long, and what is tested here is the statement, not the pool.
const db = createDb(inject('databaseUrl'), { max: 5, timeouts: timeoutsFor(20_000, 30_000) });
afterAll(() => db.destroy());
const copy = (userId: string) => ({
  user_id: userId,
  received_at: new Date(),
  size: 3,
  raw_ciphertext: new Uint8Array([1, 2, 3]),
  summary_ciphertext: new Uint8Array([4]),
});

describe('group commit', () => {
  it('one statement stores several messages; a message past its deadline stores none of its copies, the others all of theirs', async () => {
    const [a, b] = await Promise.all([createTestUser(db), createTestUser(db)]);
    const past = new Date(Date.now() - 60_000);
    const result = await storeInboundBatch(db, [
      { rows: [copy(a.account.id), copy(b.account.id)] },
      { rows: [copy(a.account.id), copy(b.account.id)], notAfter: past },
      { rows: [{ ...copy(b.account.id), folder: 'spam', seen: true }], notAfter: new Date(Date.now() + 60_000) },
    ]);
    expect(result.map((stored) => stored.length)).toEqual([2, 0, 1]);
    expect(result[0]!.map((row) => row.user_id)).toEqual([a.account.id, b.account.id]);
    expect(await countMessages(db, a.account.id, 'inbox')).toEqual({ total: 1, unread: 1 });
    expect(await countMessages(db, b.account.id, 'spam')).toEqual({ total: 1, unread: 0 });
  });

  it('messages arriving while a commit is in flight go together, and each learns its own ids', async () => {
    const user = await createTestUser(db);
    let statements = 0;
    const counting = db.withPlugin({
      transformQuery: (args) => {
        if (args.node.kind === 'RawNode') statements++;
        return args.node;
      },
      transformResult: async (args) => args.result,
    });
    const store = createGroupCommit(counting);
    const results = await Promise.all(Array.from({ length: 30 }, () => store([copy(user.account.id)], {})));
    expect(new Set(results.map((stored) => stored[0]!.id)).size).toBe(30);
    expect((await countMessages(db, user.account.id, 'inbox')).total).toBe(30);
    // The first four go alone; the 26 that queued behind them share a few statements.
    expect(statements).toBeLessThanOrEqual(8);
  });
});
