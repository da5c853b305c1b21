import { describe, expect, it } from 'vitest';
import { insertSession, revokeSession } from '../../db/repositories/session.repository';
import { useTestDb } from '../../testing/db';
import { createTestUser } from '../../testing/factories';
import { currentSessionFor } from './current-session';

const db = useTestDb();

describe('currentSessionFor', () => {
  it('checks concurrent requests in shared statements, each against its own session, and a revocation counts from the next request', async () => {
    const users = await Promise.all([createTestUser(db), createTestUser(db), createTestUser(db)]);
    const now = Date.now();
    const session = (userId: string, extra: { expires_at?: Date; second_factor_pending?: boolean } = {}) =>
      insertSession(db, {
        user_id: userId,
        client_key: new Uint8Array([1, 2, 3]),
        user_agent: null,
        ip: null,
        expires_at: new Date(now + 3_600_000),
        ...extra,
      });
    const live = await Promise.all(users.map((user) => session(user.account.id)));
    const expired = await session(users[0]!.account.id, { expires_at: new Date(now - 1_000) });
    const pending = await session(users[1]!.account.id, { second_factor_pending: true });
    const revoked = await session(users[2]!.account.id);
    await revokeSession(db, revoked.id, users[2]!.account.id, new Date());

    // Counts the statements the checks send, on the real pool (a Kysely plugin sees every result,
    // also of the prepared statements that bypass its query transform).
    let statements = 0;
    const counted = db.withPlugin({
      transformQuery: (args) => args.node,
      transformResult: async (args) => {
        statements++;
        return args.result;
      },
    });
    const sids = Array.from(
      { length: 40 },
      (_, i) => [live[0]!.id, live[1]!.id, live[2]!.id, expired.id, pending.id, revoked.id, live[1]!.id.toUpperCase(), 'not-a-uuid'][i % 8]!,
    );
    const answers = await Promise.all(sids.map((sid) => currentSessionFor(sid, counted)));
    const expected = (i: number) => [users[0], users[1], users[2], null, null, null, users[1], null][i % 8];
    for (const [i, answer] of answers.entries()) {
      expect(answer?.account.id ?? null, `${sids[i]}`).toBe(expected(i)?.account.id ?? null);
      if (answer) expect([...answer.clientKey]).toEqual([1, 2, 3]);
    }
    // Two statements may be in flight: the first two checks went alone, the third statement took
    // the other 33 (the malformed ids never reach the database).
    expect(statements).toBe(3);

    await revokeSession(db, live[0]!.id, users[0]!.account.id, new Date());
    const after = await Promise.all([currentSessionFor(live[0]!.id, counted), currentSessionFor(live[1]!.id, counted)]);
    expect(after.map((answer) => answer?.account.id ?? null)).toEqual([null, users[1]!.account.id]);
  });
});
