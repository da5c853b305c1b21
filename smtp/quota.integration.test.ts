import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUserDisabled, setUserQuota } from '../db/repositories/admin-user.repository';
import { checkInternalCopies } from '../server/send/internal-copies.service';
import { env } from '../server/env';
import { settingsFrom } from '../server/settings';
import { trpcCallers } from '../testing/api';
import { appError } from '../testing/errors';
import { copyFor } from '../testing/mail';
import { useTestDb } from '../testing/db';
import { createTestUser, type TestUser } from '../testing/factories';
import { type Sidecar, startSidecar } from '../testing/smtp-harness';
import { sendTransaction } from '../testing/smtp-raw-client';

/**
 * The admin console's limits at the SMTP door: a mailbox at its storage quota gets 452 4.2.2 at
 * RCPT (the sender retries) and takes mail again once its owner deleted some; a disabled account's
 * mailbox gets 550 5.2.1.
 */
const db = useTestDb();
const as = trpcCallers(db);
let sidecar: Sidecar;
let alice: TestUser;
let bob: TestUser;

const message = (n: number) =>
  Buffer.from(
    [
      'From: sender@elsewhere.example',
      'To: someone@localhost',
      `Subject: quota ${n}`,
      `Message-ID: <quota-${n}-${Date.now()}@elsewhere.example>`,
      '',
      'x'.repeat(1000),
      '',
    ].join('\r\n'),
  );

async function send(to: string, n: number) {
  const client = await sidecar.connectEhlo();
  try {
    return await sendTransaction(client, { from: 'sender@elsewhere.example', to: [to] }, message(n));
  } finally {
    client.close();
  }
}

beforeAll(async () => {
  // A large default, so only the per-user quota set below applies.
  sidecar = await startSidecar(db, { config: { quotaBytes: 1024 * 1024 * 1024 } });
  // One after the other: Argon2id blocks this thread, and a connection opened meanwhile times out on a busy machine.
  alice = await createTestUser(db);
  bob = await createTestUser(db);
}, 60_000);
afterAll(() => sidecar?.close());

describe('storage quota', () => {
  it('answers 452 4.2.2 once the mailbox is full, and 250 again after deleting some', async () => {
    // Two messages of ~1.1 kB fit under 2 kB of quota only until the second lands.
    await setUserQuota(db, alice.account.id, 2000);
    const to = `${alice.username}@localhost`;
    expect((await send(to, 1)).final?.code).toBe(250);
    expect((await send(to, 2)).final?.code).toBe(250);

    const full = await send(to, 3);
    expect(full.rcpt[0]?.text).toBe('452 4.2.2 Mailbox full, try again later');
    expect(full.final).toBeUndefined();
    expect((await as(alice).account.storage({})).usedBytes).toBeGreaterThanOrEqual(2000);

    // The owner deletes one: to the trash, then for good.
    const { items } = await as(alice).mail.list({ folder: 'inbox' });
    const ids = [items[0]!.id];
    await as(alice).mail.move({ ids, folder: 'trash' });
    await as(alice).mail.deleteForever({ ids });
    expect((await as(alice).account.storage({})).usedBytes).toBeLessThan(2000);

    const again = await send(to, 4);
    expect(again.rcpt[0]?.code).toBe(250);
    expect(again.final?.code).toBe(250);
  });

  it('shows the user their usage against their quota, or none when the limit is 0', async () => {
    await setUserQuota(db, bob.account.id, 5 * 1024 * 1024);
    expect(await as(bob).account.storage({})).toEqual({ usedBytes: 0, quotaBytes: 5 * 1024 * 1024 });
    await setUserQuota(db, bob.account.id, 0);
    expect(await as(bob).account.storage({})).toEqual({ usedBytes: 0, quotaBytes: null });
  });
});

describe('mail from people on this server', () => {
  it('is refused for a full or disabled mailbox too, with a reason the sender can read', async () => {
    const carol = await createTestUser(db);
    const settings = { ...settingsFrom(env()), quotaBytes: 0 };
    const send = async () =>
      checkInternalCopies(db, settings, alice.account, { from: alice.account.address, recipients: [await copyFor(carol, 'Subject: hi\r\n\r\nhi')] });
    await setUserQuota(db, carol.account.id, 1);
    await db
      .insertInto('messages')
      .values({ user_id: carol.account.id, size: 10, raw_ciphertext: new Uint8Array([1]), summary_ciphertext: new Uint8Array([2]) })
      .execute();
    const full = await appError(send());
    expect([full.code, full.message]).toEqual(['INVALID_STATE', `The mailbox of ${carol.account.address} is full. Try again later.`]);
    await setUserQuota(db, carol.account.id, null);
    await setUserDisabled(db, carol.account.id, new Date());
    expect((await appError(send())).message).toBe(`${carol.account.address} is disabled and doesn't accept mail.`);
    await setUserDisabled(db, carol.account.id, null);
    expect((await send()).recipients).toHaveLength(1);
  });
});

describe('disabled account', () => {
  it('refuses its mail with 550 5.2.1, and takes it again once enabled', async () => {
    const to = `${bob.username}@localhost`;
    await setUserDisabled(db, bob.account.id, new Date());
    const refused = await send(to, 5);
    expect(refused.rcpt[0]?.text).toBe('550 5.2.1 Mailbox disabled, not accepting messages');
    await setUserDisabled(db, bob.account.id, null);
    expect((await send(to, 6)).final?.code).toBe(250);
  });
});
