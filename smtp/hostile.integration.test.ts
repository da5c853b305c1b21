import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countMessages } from '../db/repositories/message.repository';
import { createTestUser, type TestUser } from '../testing/factories';
import { useTestDb } from '../testing/db';
import { decryptStored, queuedId, type Sidecar, startSidecar } from '../testing/smtp-harness';
import { dataPayload, type RawSmtpClient, sendTransaction } from '../testing/smtp-raw-client';

/**
 * Messages built to be expensive: a header folded over tens of thousands of lines (quadratic in
 * mailauth's own parser), and a large message that is sealed off the event loop. Whatever they
 * cost, a normal message sent alongside gets its 250 within 2 s.
 */
const db = useTestDb();
let sidecar: Sidecar;
let user: TestUser;
let to: string;

beforeAll(async () => {
  user = await createTestUser(db);
  to = `${user.username}@localhost`;
  sidecar = await startSidecar(db, { config: { maxMessageBytes: 8 * 1024 * 1024 } });
});
afterAll(() => sidecar?.close());

const foldedSubject = (lines: number) => Buffer.from(`From: a@example.org\r\nTo: b@localhost\r\nSubject: x\r\n${' abc\r\n'.repeat(lines)}\r\nbody\r\n`);
const normal = Buffer.from('From: n@example.org\r\nSubject: normal\r\n\r\nnormal body\r\n');

/** Sends a message and measures from the final dot to the reply. */
async function timed(client: RawSmtpClient, message: Buffer): Promise<{ text: string; ms: number }> {
  await client.command('MAIL FROM:<a@example.org>');
  await client.command(`RCPT TO:<${to}>`);
  expect((await client.command('DATA')).code).toBe(354);
  client.write(dataPayload(message));
  const started = performance.now();
  const reply = await client.read();
  return { text: reply.text, ms: performance.now() - started };
}

describe('a header folded over 60,000 lines', () => {
  it('is refused at once with 552 5.3.4, while a normal message alongside gets its 250 within 2 s', async () => {
    const before = (await countMessages(db, user.account.id, 'inbox')).total;
    const [hostileClient, normalClient] = await Promise.all([sidecar.connectEhlo(), sidecar.connectEhlo()]);
    const [hostile, ordinary] = await Promise.all([timed(hostileClient, foldedSubject(60_000)), timed(normalClient, normal)]);
    hostileClient.close();
    normalClient.close();
    expect(hostile.text).toBe('552 5.3.4 Message header section too large: at most 1048576 bytes and 10000 lines');
    expect(hostile.ms).toBeLessThan(1_000);
    queuedId({ code: 250, text: ordinary.text });
    expect(ordinary.ms).toBeLessThan(2_000);
    expect((await countMessages(db, user.account.id, 'inbox')).total).toBe(before + 1);
  });

  it('takes a header just inside the bound (10,000 lines) in well under a second', async () => {
    const client = await sidecar.connectEhlo();
    // 1 field line + 9,998 continuations + From and To: 10,000 header lines.
    const result = await timed(client, foldedSubject(9_997));
    client.close();
    const id = queuedId({ code: 250, text: result.text });
    expect(result.ms).toBeLessThan(1_000);
    expect((await decryptStored(db, user, id)).summary.subject).toMatch(/^x abc abc/);
  });
});

describe('a large message', () => {
  it('is sealed in a worker thread, stored byte for byte, and a normal message alongside is not held up', async () => {
    const seals = sidecar.server.offThreadSeals;
    const line = `${'y'.repeat(76)}\r\n`;
    const large = Buffer.from(`From: big@example.org\r\nSubject: large\r\n\r\n${line.repeat(Math.ceil((6 * 1024 * 1024) / line.length))}`);
    const [largeClient, normalClient] = await Promise.all([sidecar.connectEhlo(), sidecar.connectEhlo()]);
    const largeTx = sendTransaction(largeClient, { from: 'big@example.org', to: [to] }, large);
    const ordinary = await timed(normalClient, normal);
    const id = queuedId((await largeTx).final);
    largeClient.close();
    normalClient.close();
    queuedId({ code: 250, text: ordinary.text });
    expect(ordinary.ms).toBeLessThan(2_000);
    expect(sidecar.server.offThreadSeals).toBe(seals + 1);
    const stored = await decryptStored(db, user, id);
    expect(stored.raw.subarray(stored.raw.length - large.length).equals(large)).toBe(true);
    expect(stored.summary.subject).toBe('large');
  });
});
