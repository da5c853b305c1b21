import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countMessages } from '../db/repositories/message.repository';
import { createTestUser, type TestUser } from '../testing/factories';
import { useTestDb } from '../testing/db';
import { decryptStored, queuedId, type Sidecar, startSidecar } from '../testing/smtp-harness';
import { dataPayload, RawSmtpClient, sendTransaction } from '../testing/smtp-raw-client';

const db = useTestDb();
let sidecar: Sidecar;
let user: TestUser;
let to: string;

const small = Buffer.from('Subject: hello\r\n\r\nhi\r\n');

beforeAll(async () => {
  user = await createTestUser(db);
  to = `${user.username}@localhost`;
  sidecar = await startSidecar(db, { config: { maxRecipients: 3, maxMessageBytes: 4096 } });
});
afterAll(() => sidecar?.close());

const stored = async () => (await countMessages(db, user.account.id, 'inbox')).total;

describe('session', () => {
  it('offers STARTTLS, SIZE and enhanced codes, and no AUTH', async () => {
    const client = await sidecar.connect();
    const ehlo = await client.command('EHLO client.example');
    client.close();
    expect(ehlo.code).toBe(250);
    expect(ehlo.lines).toEqual(expect.arrayContaining(['STARTTLS', 'SIZE 4096', 'ENHANCEDSTATUSCODES', 'PIPELINING', '8BITMIME']));
    expect(ehlo.lines.some((line) => line.startsWith('AUTH'))).toBe(false);
  });
});

describe('RCPT routing', () => {
  it.each([
    ['a local user, any case', () => `${user.username.toUpperCase()}@LOCALHOST`, '250 2.1.5 Accepted'],
    ['an unknown user', () => 'nobody-here@localhost', '550 5.1.1 No such mailbox here'],
    ['a reserved name nobody registered', () => 'abuse@localhost', '550 5.1.1 No such mailbox here'],
    [
      'another domain: never relayed',
      () => `${user.username}@example.com`,
      '550 5.7.1 Relaying denied: this server only accepts mail for the domains it hosts',
    ],
    ['a subdomain of ours', () => `${user.username}@sub.localhost`, '550 5.7.1 Relaying denied: this server only accepts mail for the domains it hosts'],
    ['an address literal', () => `${user.username}@[127.0.0.1]`, '550 5.7.1 Relaying denied: this server only accepts mail for the domains it hosts'],
    ['no domain', () => 'someone', /^501 5\.1\.3 /],
    ['two at signs', () => 'a@b@localhost', /^501 5\.1\.3 /],
    ['a dot at the end of the local part', () => 'alice.@localhost', /^501 5\.1\.3 /],
    ['a bad domain', () => `${user.username}@-bad-.localhost`, /^501 5\.1\.3 /],
    ['an underscore in the domain', () => `${user.username}@bad_domain.example`, /^501 5\.1\.3 /],
    ['a local part over 64 octets (our own check)', () => `${'a'.repeat(65)}@localhost`, '501 5.1.3 Bad recipient address syntax'],
  ])('%s', async (_name, address, expected) => {
    const client = await sidecar.connectEhlo();
    expect((await client.command('MAIL FROM:<sender@example.org>')).code).toBe(250);
    const reply = (await client.command(`RCPT TO:<${address()}>`)).text;
    if (typeof expected === 'string') expect(reply).toBe(expected);
    else expect(reply).toMatch(expected);
    client.close();
  });

  it('refuses recipients beyond the per-message limit with 452 4.5.3', async () => {
    const others = await Promise.all([createTestUser(db), createTestUser(db), createTestUser(db)]);
    const client = await sidecar.connectEhlo();
    await client.command('MAIL FROM:<sender@example.org>');
    const replies = [];
    for (const address of [to, ...others.map((o) => `${o.username}@localhost`)]) {
      replies.push((await client.command(`RCPT TO:<${address}>`)).text);
    }
    client.close();
    expect(replies).toEqual(['250 2.1.5 Accepted', '250 2.1.5 Accepted', '250 2.1.5 Accepted', '452 4.5.3 Error: too many recipients']);
  });
});

describe('DATA', () => {
  it('refuses a message over the limit by the bytes sent, storing nothing, and closes', async () => {
    const before = await stored();
    const client = await sidecar.connectEhlo();
    const big = Buffer.from(`Subject: big\r\n\r\n${'x'.repeat(76)}\r\n`.repeat(80));
    const tx = await sendTransaction(client, { from: 'sender@example.org', to: [to] }, big);
    expect(tx.final?.text).toBe('552 5.3.4 Message exceeds the fixed maximum message size');
    await client.closed;
    expect(await stored()).toBe(before);
  });

  it('without SIZE, answers 552 once past the limit and closes, without waiting for the rest', async () => {
    const before = await stored();
    const client = await sidecar.connectEhlo();
    await client.command('MAIL FROM:<sender@example.org>');
    await client.command(`RCPT TO:<${to}>`);
    expect((await client.command('DATA')).code).toBe(354);
    // Twice the limit and no final dot: a server that reads to the end never answers this.
    client.write(`Subject: endless\r\n\r\n${`${'x'.repeat(98)}\r\n`.repeat(80)}`);
    expect((await client.read()).text).toBe('552 5.3.4 Message exceeds the fixed maximum message size');
    await client.closed;
    expect(await stored()).toBe(before);
  });

  it('refuses a SIZE= declaration over the limit at MAIL FROM', async () => {
    const client = await sidecar.connectEhlo();
    expect((await client.command('MAIL FROM:<sender@example.org> SIZE=5000')).text).toMatch(/^552 5\.3\.4 /);
    expect((await client.command('MAIL FROM:<sender@example.org> SIZE=4000')).code).toBe(250);
    client.close();
  });

  it.each([
    ['a bare LF', 'Subject: smuggle\r\n\r\nline one\nline two\r\n'],
    ['a bare CR', 'Subject: smuggle\r\n\r\nline one\rline two\r\n'],
    ['an LF.LF pseudo terminator', 'Subject: smuggle\r\n\r\nhi\n.\nMAIL FROM:<x@example.org>\r\n'],
  ])('refuses %s with 550 5.6.11 and stores nothing', async (_name, body) => {
    const before = await stored();
    const client = await sidecar.connectEhlo();
    await client.command('MAIL FROM:<sender@example.org>');
    await client.command(`RCPT TO:<${to}>`);
    expect((await client.command('DATA')).code).toBe(354);
    client.write(Buffer.concat([Buffer.from(body, 'latin1'), Buffer.from('.\r\n')]));
    expect((await client.read()).text).toBe('550 5.6.11 Bare CR or LF in message data: lines must end with CRLF');
    client.close();
    expect(await stored()).toBe(before);
  });

  it('takes the message the wire carried, dot-stuffing undone', async () => {
    const client = await sidecar.connectEhlo();
    await client.command('MAIL FROM:<sender@example.org>');
    await client.command(`RCPT TO:<${to}>`);
    await client.command('DATA');
    const message = Buffer.from('Subject: dots\r\n\r\n.\r\n..\r\n.x\r\n');
    client.write(dataPayload(message));
    const reply = await client.read();
    client.close();
    const { raw } = await decryptStored(db, user, queuedId(reply));
    expect(raw.subarray(raw.length - message.length).equals(message)).toBe(true);
  });
});

describe('connection limits', () => {
  it('refuses a connection over the per-IP limit with 421 4.7.0', async () => {
    const limited = await startSidecar(db, { config: { maxClientsPerIp: 2 } });
    try {
      const first = await limited.connect();
      const second = await limited.connect();
      const third = await RawSmtpClient.connect(limited.port);
      expect(third.greeting.text).toBe('421 4.7.0 Too many connections from your address, try again later');
      await third.client.closed;
      first.close();
      await first.closed;
      // A freed slot can be used again.
      const fourth = await RawSmtpClient.connect(limited.port);
      expect(fourth.greeting.code).toBe(220);
      fourth.client.close();
      second.close();
    } finally {
      await limited.close();
    }
  });

  it('refuses a connection over maxClients with 421', async () => {
    const limited = await startSidecar(db, { config: { maxClients: 1 } });
    try {
      const first = await limited.connect();
      const second = await RawSmtpClient.connect(limited.port);
      expect(second.greeting.code).toBe(421);
      first.close();
    } finally {
      await limited.close();
    }
  });

  it('cuts off a slow sender at the session deadline with 421, storing nothing', async () => {
    const limited = await startSidecar(db, { config: { sessionTimeoutMs: 1_500 } });
    const before = await stored();
    try {
      const client = await limited.connectEhlo();
      await client.command('MAIL FROM:<sender@example.org>');
      await client.command(`RCPT TO:<${to}>`);
      expect((await client.command('DATA')).code).toBe(354);
      // Trickle a byte every 200 ms: never idle long enough for an idle timeout.
      const trickle = setInterval(() => client.write('x'), 200);
      const reply = await client.read();
      clearInterval(trickle);
      expect(reply.text).toBe('421 4.4.2 Session time limit reached, closing connection');
      await client.closed;
    } finally {
      await limited.close();
    }
    expect(await stored()).toBe(before);
  });
});

describe('close()', () => {
  it('lets a transaction in flight finish with 250, then closes it; idle sessions get 421 at once', async () => {
    const closing = await startSidecar(db);
    const before = await stored();
    const idle = await closing.connectEhlo();
    const busy = await closing.connectEhlo();
    await busy.command('MAIL FROM:<sender@example.org>');
    await busy.command(`RCPT TO:<${to}>`);
    expect((await busy.command('DATA')).code).toBe(354);
    busy.write('Subject: in flight\r\n\r\nfirst half, ');

    const closed = closing.server.close();
    expect((await idle.read()).text).toBe('421 4.3.2 Server shutting down, try again later');
    busy.write('second half\r\n.\r\n');
    queuedId(await busy.read());
    expect((await busy.read()).text).toBe('421 4.3.2 Server shutting down, try again later');
    await Promise.all([busy.closed, idle.closed]);
    await closed;
    await closing.dns.close();
    expect(await stored()).toBe(before + 1);
  });
});
