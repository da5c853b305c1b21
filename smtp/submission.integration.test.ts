import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { dkimVerify } from 'mailauth/lib/dkim/verify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { env } from '../server/env';
import { platformQueue } from '../server/jobs/platform-queue';
import { createDnsResolver } from '../server/mail/dns';
import { settingsFrom } from '../server/settings';
import { loadTlsCredentials } from '../server/tls';
import { type OutboundHarness, startOutboundHarness } from '../testing/outbound/harness';
import { useIsolatedDb } from '../testing/outbound/isolated-db';
import { type PlatformCustomer, platformCustomer, sinkDomain } from '../testing/platform';
import { createSubmissionServer } from './submission';

const run = promisify(execFile);
const isolated = useIsolatedDb();
let h: OutboundHarness;
let server: ReturnType<typeof createSubmissionServer>;
let port: number;
let c: PlatformCustomer;

beforeAll(async () => {
  h = await startOutboundHarness(isolated.db(), isolated.url());
  const tls = await loadTlsCredentials({ dataDir: mkdtempSync(path.join(os.tmpdir(), 'sealpost-submission-')), hostname: 'submit.test' });
  server = createSubmissionServer({
    db: isolated.db(),
    clock: h.clock,
    settings: settingsFrom(env()),
    queue: platformQueue(h.boss),
    logger: pino({ level: 'silent' }),
    tls,
    hostname: 'submit.test',
  });
  port = (await server.listen(0, '127.0.0.1')).port;
  c = await platformCustomer(isolated.db(), h);
});
afterAll(async () => {
  await server?.close();
  await h?.close();
});

/** swaks against the submission port; resolves with its transcript and exit code, whatever it is. */
async function swaks(args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run('swaks', ['--server', '127.0.0.1', '--port', String(port), '--timeout', '20', ...args]);
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

describe('SMTP submission with an API key', () => {
  it('takes mail after STARTTLS and AUTH PLAIN, and it reaches the MX DKIM-signed for the key’s domain', async () => {
    const to = `carol@${sinkDomain(h)}`;
    const result = await swaks([
      '--tls',
      '--auth',
      'PLAIN',
      '--auth-user',
      'api',
      '--auth-password',
      c.key,
      '--from',
      c.from,
      '--to',
      to,
      '--h-From',
      `Shop <${c.from}>`,
      '--h-Subject',
      'Submitted',
      '--body',
      'sent over 587',
    ]);
    expect(result.out).toMatch(/<~ {2}250 2\.0\.0 Ok: queued as [0-9a-f-]{36}/);
    expect(result.code).toBe(0);
    await h.sink.waitFor((all) => all.some((m) => m.recipients.includes(to)));
    const raw = h.sink.to(to)[0]!.raw;
    const verified = await dkimVerify(raw, { resolver: createDnsResolver([h.dns.address]) });
    expect(verified.results.map((r) => [r.status.result, r.signingDomain])).toEqual([['pass', c.domain]]);
    expect(raw.toString('latin1')).toContain('sent over 587');
  });

  it('also takes AUTH LOGIN', async () => {
    const to = `dave@${sinkDomain(h)}`;
    const result = await swaks(['--tls', '--auth', 'LOGIN', '--auth-user', 'api', '--auth-password', c.key, '--from', c.from, '--to', to, '--h-From', c.from]);
    expect(result.code).toBe(0);
    await h.sink.waitFor((all) => all.some((m) => m.recipients.includes(to)));
  });

  it('answers a wrong key with 535 5.7.8 and AUTH without TLS with 538 5.7.11', async () => {
    const wrong = await swaks([
      '--tls',
      '--auth',
      'PLAIN',
      '--auth-user',
      'api',
      '--auth-password',
      'sp_wrongwrongwrongwrongwrongwrongwrong',
      '--from',
      c.from,
      '--to',
      'x@example.com',
    ]);
    expect(wrong.out).toContain('535 5.7.8');
    expect(wrong.code).not.toBe(0);
    const plain = await swaks(['--auth', 'PLAIN', '--auth-user', 'api', '--auth-password', c.key, '--from', c.from, '--to', 'x@example.com']);
    expect(plain.out).toContain('538 5.7.11');
    expect(plain.code).not.toBe(0);
  });

  it('refuses an envelope or header From outside the key’s domain, and mail without AUTH', async () => {
    const envelope = await swaks([
      '--tls',
      '--auth',
      'PLAIN',
      '--auth-user',
      'api',
      '--auth-password',
      c.key,
      '--from',
      'someone@elsewhere.test',
      '--to',
      'x@example.com',
    ]);
    expect(envelope.out).toContain('553 5.7.1');
    const header = await swaks([
      '--tls',
      '--auth',
      'PLAIN',
      '--auth-user',
      'api',
      '--auth-password',
      c.key,
      '--from',
      c.from,
      '--to',
      `x@${sinkDomain(h)}`,
      '--h-From',
      'boss@elsewhere.test',
    ]);
    expect(header.out).toMatch(/550 5\.7\.1 The From header must be an address of/);
    const anonymous = await swaks(['--tls', '--from', c.from, '--to', 'x@example.com']);
    expect(anonymous.out).toContain('530 5.7.0');
  });
});
