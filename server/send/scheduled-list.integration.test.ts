import { beforeAll, describe, expect, it } from 'vitest';
import { trpcCallers } from '../../testing/api';
import { useTestDb } from '../../testing/db';
import { type TestUser, createTestUser } from '../../testing/factories';
import { copyFor, decryptText } from '../../testing/mail';

/**
 * The Scheduled list names each message by its subject: the server hands back the Sent copy's
 * summary, encrypted to the sender, which only the sender's browser can read.
 */
const db = useTestDb();
const callerFor = trpcCallers(db);
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  // One after the other: two key generations at once starve the event loop on a busy machine.
  alice = await createTestUser(db);
  bob = await createTestUser(db);
});

describe('compose.listScheduled', () => {
  it("carries each pending send's Sent summary, readable by the sender only, and drops it once cancelled", async () => {
    const raw = `From: ${alice.account.address}\r\nSubject: Quarterly plan\r\n\r\nHello\r\n`;
    const sent = await copyFor(alice, raw, { v: 1, subject: 'Quarterly plan' });
    const send = await callerFor(alice).compose.scheduleInternal({
      from: alice.account.address,
      recipients: [await copyFor(bob, raw)],
      sent: { raw: sent.raw, summary: sent.summary, size: sent.size },
      sendAt: new Date(Date.now() + 3_600_000).toISOString(),
    });

    const [listed] = (await callerFor(alice).compose.listScheduled()).filter((s) => s.id === send.id);
    expect(listed?.summary).toBeTruthy();
    expect(JSON.parse(await decryptText(alice, listed!.summary!))).toMatchObject({ subject: 'Quarterly plan' });
    await expect(decryptText(bob, listed!.summary!)).rejects.toThrow();

    await callerFor(alice).compose.cancelScheduled({ id: send.id });
    expect((await callerFor(alice).compose.listScheduled()).some((s) => s.id === send.id)).toBe(false);
  });
});
