import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { countMessages } from '../../db/repositories/message.repository';
import { createTestUser, type TestUser } from '../../testing/factories';
import { useTestDb } from '../../testing/db';
import { type LoopbackDns, startLoopbackDns } from '../../testing/loopback-dns';
import { type RoleProcess, spawnScript } from '../../testing/roles';
import { RawSmtpClient, sendTransaction } from '../../testing/smtp-raw-client';

/**
 * A plugin whose own asynchronous code crashes (a throw in its timer, a rejection nobody handles)
 * must not take the SMTP role down. The role runs in its own process (testing/plugin-crash-role.ts),
 * as in production, so an uncaught error would really end it; the plugin crashes in every hook.
 */
const db = useTestDb();
let user: TestUser;
let dns: LoopbackDns;
let role: RoleProcess;
let ports: { pass: number; tempfail: number };

beforeAll(async () => {
  [user, dns] = await Promise.all([createTestUser(db), startLoopbackDns()]);
  role = spawnScript('plugin-crash', 'testing/plugin-crash-role.ts', { DATABASE_URL: inject('databaseUrl'), DNS_SERVERS: dns.address });
  ports = JSON.parse(await role.waitFor('crash role listening')) as { pass: number; tempfail: number };
}, 60_000);

afterAll(async () => {
  await role?.stop();
  await dns?.close();
});

const message = (i: number) => Buffer.from(`From: Someone <someone@example.org>\r\nSubject: crash run ${i}\r\n\r\nbody ${i}\r\n`);

/** `total` messages over `sessions` connections; each connection's greeting code, each message's final code. */
async function sendMany(port: number, total: number, sessions: number) {
  const codes: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: sessions }, async () => {
      const { client, greeting } = await RawSmtpClient.connect(port);
      try {
        expect(greeting.code).toBe(220);
        expect((await client.command('EHLO client.sealpost.test')).code).toBe(250);
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

const failures = (reason: string) => role.lines.filter((line) => line.includes('"filter plugin failed"') && line.includes(`"reason":"${reason}"`));

describe('a plugin that crashes asynchronously in every hook', () => {
  it('under `pass`: every message 250 and stored, every crash counted and logged, the role alive', async () => {
    const before = (await countMessages(db, user.account.id, 'inbox')).total;
    const codes = await sendMany(ports.pass, 200, 10);
    expect(codes.filter((code) => code !== 250)).toEqual([]);
    expect(codes).toHaveLength(200);
    expect((await countMessages(db, user.account.id, 'inbox')).total).toBe(before + 200);
    // 10 connects, then MAIL, RCPT and end of DATA per message: each crashed, none waited out its 30 s timeout.
    expect(failures('crashed')).toHaveLength(10 + 3 * 200);
    const errors = new Set(failures('crashed').map((line) => (JSON.parse(line) as { errorName: string }).errorName));
    expect(errors).toEqual(new Set(['TypeError', 'RangeError']));
    expect(role.child.exitCode).toBeNull();
  }, 60_000);

  it('under `tempfail`: 451 for every message, nothing stored, and the role still serves', async () => {
    const before = (await countMessages(db, user.account.id, 'inbox')).total;
    const codes = await sendMany(ports.tempfail, 40, 4);
    expect(codes).toEqual(Array(40).fill(451));
    expect((await countMessages(db, user.account.id, 'inbox')).total).toBe(before);
    expect(role.child.exitCode).toBeNull();
    // And the other port, after all of that, still answers.
    expect(await sendMany(ports.pass, 1, 1)).toEqual([250]);
    expect(role.lines.some((line) => line.includes('"uncaught error"'))).toBe(false);
  }, 60_000);
});
