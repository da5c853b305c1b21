import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countMessages } from '../../db/repositories/message.repository';
import { createTestUser, type TestUser } from '../../testing/factories';
import { useTestDb } from '../../testing/db';
import { decryptStored, queuedId, startSidecar } from '../../testing/smtp-harness';
import { dataPayload, RawSmtpClient, sendTransaction } from '../../testing/smtp-raw-client';
import type { ConfiguredPlugin, FailurePolicy, InboundPlugin, Verdict } from './plugin';
import { createPluginRunner, type PluginRunner } from './runner';

/**
 * A plugin that fails in every hook, every way a plugin can fail: it throws, rejects, hangs past
 * its timeout, or answers something that isn't a verdict. Over real SMTP, through 1,000 messages,
 * the SMTP role stays up and every message gets the code its policy says.
 */
const db = useTestDb();
let user: TestUser;
let blocked: TestUser;
beforeAll(async () => {
  [user, blocked] = await Promise.all([createTestUser(db), createTestUser(db)]);
});

const HOOK_TIMEOUT_MS = 40;

function failEveryWay(counter: { calls: number }): (...args: unknown[]) => Promise<Verdict> {
  return () => {
    const n = counter.calls++;
    switch (n % 5) {
      case 0:
        throw new TypeError('sync throw');
      case 1:
        return Promise.reject(new RangeError('async rejection'));
      case 2:
        return new Promise<Verdict>(() => undefined); // hangs for ever
      case 3:
        return Promise.resolve({ kind: 'reject', code: 250, text: '2.0.0 not a refusal' } as unknown as Verdict);
      default:
        return Promise.resolve({ kind: 'tag', tag: { headers: [['X-Evil', 'a\r\nBcc: x@y']] } } as Verdict);
    }
  };
}

function thrower(counter: { calls: number }, hooks: (keyof InboundPlugin)[] = ['connect', 'mailFrom', 'rcptTo', 'data']): InboundPlugin {
  const fail = failEveryWay(counter);
  return Object.fromEntries([['name', 'thrower'], ...hooks.map((hook) => [hook, fail])]) as unknown as InboundPlugin;
}

function configured(plugin: InboundPlugin, onFailure: FailurePolicy): ConfiguredPlugin {
  return { plugin, timeoutMs: HOOK_TIMEOUT_MS, onFailure };
}

const message = (i: number) => Buffer.from(`From: Someone <someone@example.org>\r\nSubject: plugin run ${i}\r\n\r\nbody ${i}\r\n`);

async function sendMany(connect: () => Promise<RawSmtpClient>, total: number, sessions: number) {
  const codes: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: sessions }, async () => {
      const client = await connect();
      try {
        while (next < total) {
          const i = next++;
          const tx = await sendTransaction(client, { from: 'someone@example.org', to: [`${user.username}@localhost`] }, message(i));
          codes.push(tx.final?.code ?? tx.data.code);
          await client.command('RSET');
        }
      } finally {
        client.close();
      }
    }),
  );
  return codes;
}

describe('a plugin that fails in every hook', () => {
  it('under `pass`: 1,000 messages, every one 250 and stored, every failure counted and logged, the role up', async () => {
    const counter = { calls: 0 };
    let runner: PluginRunner | undefined;
    const sidecar = await startSidecar(db, {
      plugins: (logger) => (runner = createPluginRunner([configured(thrower(counter), 'pass')], logger)),
    });
    try {
      const before = (await countMessages(db, user.account.id, 'inbox')).total;
      const codes = await sendMany(() => sidecar.connectEhlo(), 1000, 20);
      expect(codes).toHaveLength(1000);
      expect(codes.filter((code) => code !== 250)).toEqual([]);
      expect((await countMessages(db, user.account.id, 'inbox')).total).toBe(before + 1000);

      // 20 connects, then MAIL FROM, RCPT TO and DATA for each message: every call failed.
      expect(counter.calls).toBe(20 + 3 * 1000);
      expect(runner!.failures.get('thrower')).toBe(counter.calls);
      const failureLogs = sidecar.logs.filter((line) => line.includes('filter plugin failed'));
      expect(failureLogs).toHaveLength(counter.calls);
      const reasons = new Set(failureLogs.map((line) => (JSON.parse(line) as { reason: string }).reason));
      expect(reasons).toEqual(new Set(['threw', 'timeout', 'bad-verdict']));
      // Nothing of the message reaches the log.
      expect(sidecar.logs.some((line) => line.includes('plugin run') || line.includes('someone@example.org'))).toBe(false);

      // Still serving, and what failed added nothing to the stored copy.
      const client = await sidecar.connectEhlo();
      const tx = await sendTransaction(client, { from: 'someone@example.org', to: [`${user.username}@localhost`] }, message(1000));
      client.close();
      const stored = await decryptStored(db, user, queuedId(tx.final));
      expect(stored.raw.toString('latin1')).not.toContain('X-Evil');
      expect(stored.summary.filter).toBeUndefined();
      expect(stored.row.folder).toBe('inbox');
    } finally {
      await sidecar.close();
    }
  }, 120_000);

  it('under `tempfail`: 451 at whichever hook failed first, nothing stored', async () => {
    const everyHook = { calls: 0 };
    const dataOnly = { calls: 0 };
    const sidecars = await Promise.all([
      startSidecar(db, { plugins: (logger) => createPluginRunner([configured(thrower(everyHook), 'tempfail')], logger) }),
      startSidecar(db, { plugins: (logger) => createPluginRunner([configured(thrower(dataOnly, ['data']), 'tempfail')], logger) }),
    ]);
    try {
      const before = (await countMessages(db, user.account.id, 'inbox')).total;

      // Failing at connect: the greeting itself is the 451, and the session ends.
      for (let i = 0; i < 10; i++) {
        const { client, greeting } = await RawSmtpClient.connect(sidecars[0].port);
        expect(greeting.text).toMatch(/^451 4\.3\.0 /);
        client.close();
      }

      // Failing only at end of DATA: every message 451 4.3.0, the session goes on.
      const client = await sidecars[1].connectEhlo();
      for (let i = 0; i < 100; i++) {
        const tx = await sendTransaction(client, { from: 'someone@example.org', to: [`${user.username}@localhost`] }, message(i));
        expect(tx.final?.text).toBe('451 4.3.0 Temporary local problem, please try again later');
        await client.command('RSET');
      }
      client.close();
      expect(dataOnly.calls).toBe(100);
      expect((await countMessages(db, user.account.id, 'inbox')).total).toBe(before);
    } finally {
      await Promise.all(sidecars.map((s) => s.close()));
    }
  }, 60_000);
});

describe('verdicts', () => {
  it('a reject or tempfail from a plugin is the reply; tags add up into the encrypted summary and the Spam folder', async () => {
    const verdicts: Verdict[] = [
      { kind: 'tag', tag: { score: 2, symbols: ['A'], headers: [['X-Filter', 'one']] } },
      { kind: 'tag', tag: { score: 3.5, symbols: ['B'], folder: 'spam' } },
    ];
    const plugins = (refuse?: Verdict): ConfiguredPlugin[] => [
      ...verdicts.map((verdict, i) => configured({ name: `tag${i}`, data: () => verdict }, 'tempfail')),
      ...(refuse ? [configured({ name: 'refuse', data: () => refuse }, 'tempfail')] : []),
    ];
    const sidecar = await startSidecar(db, { plugins: (logger) => createPluginRunner(plugins(), logger) });
    const refusing = await startSidecar(db, {
      plugins: (logger) =>
        createPluginRunner(
          [
            configured(
              {
                name: 'rcpt',
                rcptTo: (_e, rcpt) => (rcpt === `${blocked.username}@localhost` ? { kind: 'reject', code: 550, text: '5.7.1 No' } : { kind: 'accept' }),
              },
              'tempfail',
            ),
            configured({ name: 'refuse', data: () => ({ kind: 'tempfail', code: 451, text: '4.7.1 Later' }) }, 'tempfail'),
          ],
          logger,
        ),
    });
    try {
      const client = await sidecar.connectEhlo();
      const tx = await sendTransaction(client, { from: 'someone@example.org', to: [`${user.username}@localhost`] }, message(1));
      client.close();
      const stored = await decryptStored(db, user, queuedId(tx.final));
      expect(stored.row.folder).toBe('spam');
      expect(stored.summary.filter).toEqual({ score: 5.5, symbols: ['A', 'B'], virus: null, spamBy: ['tag1'] });
      expect(stored.raw.toString('latin1')).toMatch(/^Authentication-Results: [\s\S]*\r\nX-Filter: one\r\nFrom: Someone/);
      // Only the folder is plaintext: the row has no other trace of the verdict.
      expect(Object.keys(stored.row).sort()).not.toContain('score');

      const other = await refusing.connectEhlo();
      expect((await other.command('MAIL FROM:<someone@example.org>')).code).toBe(250);
      expect((await other.command(`RCPT TO:<${blocked.username}@localhost>`)).text).toBe('550 5.7.1 No');
      expect((await other.command(`RCPT TO:<${user.username}@localhost>`)).code).toBe(250);
      expect((await other.command('DATA')).code).toBe(354);
      other.write(dataPayload(message(2)));
      expect((await other.read()).text).toBe('451 4.7.1 Later');
      other.close();
    } finally {
      await Promise.all([sidecar.close(), refusing.close()]);
    }
  });
});
