import { performance } from 'node:perf_hooks';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { describe, expect, it } from 'vitest';
import { countMessages } from '../../db/repositories/message.repository';
import { useTestDb } from '../../testing/db';
import { systemClock } from '../clock';
import { AppError } from '../errors';
import { createTestUser } from '../../testing/factories';
import { startLoopbackDns } from '../../testing/loopback-dns';
import { createDnsResolver } from './dns';
import { deliverInbound } from './inbound.service';

/**
 * deliverInbound against its caller's deadline. The SMTP tests freeze a database to reach these
 * paths; here the exact moment is chosen: the caller gives up just as the INSERT's answer arrives.
 */
const db = useTestDb();

/** Calls `onStored` when the answer to the inbound INSERT (the statement that NOTIFYs) comes back. */
function onInsertAnswered(onStored: () => void): KyselyPlugin {
  return {
    transformQuery: (args: PluginTransformQueryArgs): RootOperationNode => args.node,
    async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      if (args.result.rows.some((row) => 'notified' in row)) onStored();
      return args.result;
    },
  };
}

describe('deliverInbound with a deadline', () => {
  it('withdraws copies whose commit was answered only after the caller gave up', async () => {
    const user = await createTestUser(db);
    const dns = await startLoopbackDns();
    try {
      const giveUp = new AbortController();
      const raw = Buffer.from('From: a@example.org\r\nSubject: late\r\n\r\nbody\r\n');
      const delivery = deliverInbound(
        { db: db.withPlugin(onInsertAnswered(() => giveUp.abort())), clock: systemClock, resolver: createDnsResolver([dns.address]), authservId: 'localhost' },
        { raw, envelopeFrom: 'a@example.org', recipients: [user.account.id], client: { ip: '192.0.2.1', helo: 'x.example' } },
        { at: performance.now() + 10_000, signal: giveUp.signal },
      );
      const error = await delivery.then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).details).toEqual({ stage: 'deadline', committedLate: true, withdrawn: true });
      expect(await countMessages(db, user.account.id, 'inbox')).toEqual({ total: 0, unread: 0 });
    } finally {
      await dns.close();
    }
  });

  it('sends no INSERT at all once the caller has given up', async () => {
    const user = await createTestUser(db);
    const dns = await startLoopbackDns();
    try {
      const giveUp = new AbortController();
      const error = await deliverInbound(
        {
          db,
          clock: systemClock,
          resolver: createDnsResolver([dns.address]),
          authservId: 'localhost',
          // The caller gives up while the message is being sealed.
          seal: async (input) => {
            giveUp.abort();
            const { sealMessage } = await import('./seal');
            return sealMessage(input);
          },
        },
        { raw: Buffer.from('Subject: x\r\n\r\ny\r\n'), envelopeFrom: '', recipients: [user.account.id], client: { ip: '192.0.2.1', helo: 'x.example' } },
        { at: performance.now() + 10_000, signal: giveUp.signal },
      ).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect((error as AppError).details).toEqual({ stage: 'deadline' });
      expect((await countMessages(db, user.account.id, 'inbox')).total).toBe(0);
    } finally {
      await dns.close();
    }
  });
});
