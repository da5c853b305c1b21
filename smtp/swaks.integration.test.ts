import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, type TestUser } from '../testing/factories';
import { useTestDb } from '../testing/db';
import { decryptStored, queuedId, type Sidecar, startSidecar } from '../testing/smtp-harness';

/** The sidecar against swaks, a real third-party SMTP client, over STARTTLS. */
const db = useTestDb();
let sidecar: Sidecar;
let user: TestUser;

beforeAll(async () => {
  sidecar = await startSidecar(db);
  user = await createTestUser(db);
});
afterAll(() => sidecar?.close());

function swaks(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      'swaks',
      ['--suppress-data', '--server', '127.0.0.1', '--port', String(sidecar.port), '--ehlo', 'swaks.example', ...args],
      (err, stdout, stderr) => {
        const code = err ? Number((err as { code?: number }).code ?? 1) : 0;
        resolve({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

describe('swaks', () => {
  it('delivers over STARTTLS, and the stored copy decrypts to the bytes swaks sent', async () => {
    const data = [
      'From: Swaks <swaks@sender.example>',
      `To: ${user.username}@localhost`,
      'Subject: via swaks',
      '',
      'first line',
      '.leading dot',
      'last line',
    ].join('\n');
    const { code, output } = await swaks(['--tls', '--from', 'swaks@sender.example', '--to', `${user.username}@localhost`, '--data', data]);
    expect(output).toContain('<-  220 2.0.0 Ready to start TLS');
    expect(output).toMatch(/=== TLS started with cipher TLSv1\.[23]/);
    expect(code).toBe(0);
    const reply = /<~ {2}(250 2\.0\.0 Ok: queued as \S+)/.exec(output)?.[1];
    const stored = await decryptStored(db, user, queuedId({ code: 250, text: reply ?? '' }));
    // swaks sends CRLF line endings and ends the last line itself before the final dot.
    const sent = Buffer.from(`${data.replace(/\n/g, '\r\n')}\r\n`);
    expect(stored.raw.subarray(stored.raw.length - sent.length).equals(sent)).toBe(true);
    expect(stored.raw.toString('utf8')).toMatch(/^Authentication-Results: localhost;/);
    expect(stored.summary.subject).toBe('via swaks');
    expect(stored.summary.snippet).toBe('first line .leading dot last line');
  });

  it('is told 550 5.1.1 for an unknown user and 550 5.7.1 for another domain', async () => {
    const unknown = await swaks(['--from', 'swaks@sender.example', '--to', 'nobody-at-all@localhost']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.output).toContain('<** 550 5.1.1 No such mailbox here');
    const relay = await swaks(['--from', 'swaks@sender.example', '--to', `${user.username}@relay-target.example`]);
    expect(relay.code).not.toBe(0);
    expect(relay.output).toContain('<** 550 5.7.1 Relaying denied');
  });

  it('is told 552 for a message over the default 25 MiB, and nothing is stored', async () => {
    expect(sidecar.config.maxMessageBytes).toBe(25 * 1024 * 1024);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sealpost-swaks-'));
    try {
      const file = path.join(dir, 'big.eml');
      const line = `${'x'.repeat(998)}\r\n`;
      const header = `From: swaks@sender.example\r\nTo: ${user.username}@localhost\r\nSubject: too big\r\n\r\n`;
      writeFileSync(file, header + line.repeat(Math.ceil((26 * 1024 * 1024) / line.length)));
      const before = await db
        .selectFrom('messages')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('user_id', '=', user.account.id)
        .executeTakeFirstOrThrow();
      const big = await swaks(['--from', 'swaks@sender.example', '--to', `${user.username}@localhost`, '--data', `@${file}`]);
      expect(big.code).not.toBe(0);
      expect(big.output).toMatch(/<\*\* 552 5\.3\.4 /);
      const after = await db
        .selectFrom('messages')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('user_id', '=', user.account.id)
        .executeTakeFirstOrThrow();
      expect(after.n).toBe(before.n);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
