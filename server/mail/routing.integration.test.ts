import { beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, type TestUser } from '../../testing/factories';
import { useTestDb } from '../../testing/db';
import { createMailboxLookup } from './mailbox-lookup.service';
import { createMailboxUsage } from './mailbox-usage.service';
import { resolveInboundRecipient, resolveRecipient } from './routing';

const db = useTestDb();
let user: TestUser;
beforeAll(async () => {
  user = await createTestUser(db);
});

describe('resolveRecipient', () => {
  const route = (address: string) => resolveRecipient(db, address, { mailDomain: 'Mail.Example' });

  it('routes <username>@<mail domain> to the user, ignoring case', async () => {
    const local = { status: 'local', userId: user.account.id };
    expect(await route(`${user.username}@mail.example`)).toEqual(local);
    expect(await route(`${user.username.toUpperCase()}@MAIL.EXAMPLE`)).toEqual(local);
    expect(await route(`${user.username}@mail.example.`)).toEqual(local);
  });

  it('says unknown-mailbox on the hosted domain and not-hosted elsewhere', async () => {
    expect(await route('nobody-like-this@mail.example')).toEqual({ status: 'unknown-mailbox' });
    expect(await route('"quoted name"@mail.example')).toEqual({ status: 'unknown-mailbox' });
    expect(await route('postmaster')).toEqual({ status: 'unknown-mailbox' });
    expect(await route(`${user.username}@other.example`)).toEqual({ status: 'not-hosted' });
    expect(await route(`${user.username}@xn--mller-kva.example`)).toEqual({ status: 'not-hosted' });
    expect(await route(`${user.username}@müller.example`)).toEqual({ status: 'not-hosted' });
    expect(await route(`${user.username}@[192.0.2.1]`)).toEqual({ status: 'not-hosted' });
  });

  it('says bad-syntax for what is not an address', async () => {
    for (const address of [
      '',
      'plain',
      '@mail.example',
      'a@',
      'a..b@mail.example',
      '.a@mail.example',
      'a b@mail.example',
      `${'x'.repeat(65)}@mail.example`,
      'a@exa mple.com',
      'a@-x.example',
    ]) {
      expect(await route(address), address).toEqual({ status: 'bad-syntax' });
    }
  });
});

describe('resolveInboundRecipient', () => {
  it('answers concurrent RCPTs from shared statements, each with its own mailbox, key and the database clock', async () => {
    const others = await Promise.all([createTestUser(db), createTestUser(db), createTestUser(db)]);
    // Counts the statements the lookups send, on the real pool (a Kysely plugin sees every query).
    let statements = 0;
    const counted = db.withPlugin({
      transformQuery: (args) => {
        statements++;
        return args.node;
      },
      transformResult: async (args) => args.result,
    });
    const mailboxes = createMailboxLookup(counted, { defaultQuotaBytes: 0, concurrency: 1 });
    const usage = createMailboxUsage();
    const everyone = [user, ...others];
    const addresses = Array.from({ length: 40 }, (_, i) => `${everyone[i % everyone.length]!.username}@Mail.Example`);
    const before = Date.now();
    const routes = await Promise.all(addresses.map((address) => resolveInboundRecipient(counted, address, { mailDomain: 'mail.example', mailboxes, usage })));
    for (const [i, route] of routes.entries()) {
      const owner = everyone[i % everyone.length]!;
      if (route.status !== 'local') throw new Error(`${addresses[i]}: ${route.status}`);
      expect(route.userIds).toEqual([owner.account.id]);
      expect(route.mailboxes[0]!.public_key).toBe(owner.publicKeyArmored);
      expect(Math.abs(route.clock.dbNow.getTime() - before)).toBeLessThan(60_000);
    }
    // One statement went alone; the 39 RCPTs that came while it ran shared the next.
    expect(statements).toBe(2);
    // An unknown name in a shared statement is unknown to its own RCPT only.
    const mixed = await Promise.all([
      resolveInboundRecipient(counted, `${user.username}@mail.example`, { mailDomain: 'mail.example', mailboxes, usage }),
      resolveInboundRecipient(counted, 'nobody-like-this@mail.example', { mailDomain: 'mail.example', mailboxes, usage }),
    ]);
    expect(mixed.map((route) => route.status)).toEqual(['local', 'unknown-mailbox']);
  });
});
