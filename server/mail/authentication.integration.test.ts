import { createPrivateKey } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { authenticate } from 'mailauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoopbackDns, type LoopbackZone, startLoopbackDns } from '../../testing/loopback-dns';
import { generateDkimKey } from '../domains/dkim';
import { dkimSign } from '../send/dkim-sign';
import { signatureInput } from './authentication';
import { createDnsResolver, type DnsResolver } from './dns';

/**
 * The MX gives mailauth only the header section of a message that nothing signed
 * (signatureInput). That must never change a result: for every fixture, as stored and with CRLF
 * line ends as SMTP delivers it, the whole message and what signatureInput keeps authenticate the
 * same, against a real DNS server on loopback.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const corpus = process.env.EML_FIXTURES ?? path.resolve(repoRoot, '..', 'shared', 'fixtures', 'eml');

let dns: LoopbackDns;
let resolver: DnsResolver;
let dkim: Awaited<ReturnType<typeof generateDkimKey>>;
beforeAll(async () => {
  dkim = await generateDkimKey();
  const zone: LoopbackZone = {
    'example.org': { TXT: ['v=spf1 ip4:192.0.2.1 -all'] },
    '_dmarc.example.org': { TXT: ['v=DMARC1; p=reject'] },
    'sel._domainkey.example.org': { TXT: [`v=DKIM1; k=rsa; p=${dkim.publicKey}`] },
  };
  dns = await startLoopbackDns(zone);
  resolver = createDnsResolver([dns.address], { cacheMs: 60_000 });
});
afterAll(() => dns.close());

async function results(raw: Buffer) {
  const result = await authenticate(raw, { ip: '192.0.2.1', helo: 'mx.example.org', sender: 'a@example.org', mta: 'localhost', resolver, disableBimi: true });
  return {
    headers: result.headers,
    headerFrom: result.dkim.headerFrom,
    dkim: (result.dkim.results ?? []).map((r) => r.status.result),
    spf: result.spf ? result.spf.status.result : null,
    dmarc: result.dmarc ? result.dmarc.status.result : null,
    arc: result.arc ? result.arc.status.result : null,
  };
}

const crlf = (raw: Buffer) => Buffer.from(raw.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');

describe('authentication of unsigned mail from its header section', () => {
  it('keeps the whole message when a DKIM or ARC header starts a line, in any case, and only then', () => {
    const body = '\r\nbody\r\n';
    for (const name of ['DKIM-Signature', 'dkim-signature', 'ARC-Seal', 'Arc-Message-Signature', 'ARC-Authentication-Results']) {
      const raw = Buffer.from(`From: a@example.org\r\n${name} : v=1\r\n${body}`);
      expect(signatureInput(raw).length, name).toBe(raw.length);
    }
    const unsigned = Buffer.from(`From: a@example.org\r\nSubject: x\r\n X-DKIM-Signature: folded, not a field\r\n${body}DKIM-Signature: in the body\r\n`);
    expect(signatureInput(unsigned).toString()).toBe('From: a@example.org\r\nSubject: x\r\n X-DKIM-Signature: folded, not a field\r\n\r\n');
    expect(signatureInput(Buffer.from('From: a@example.org\r\nno empty line')).toString()).toBe('From: a@example.org\r\nno empty line');
  });

  it('keeps a signed body, whose hash the signature checks: pass as sent, not once the body is cut', async () => {
    const identity = { address: 'a@example.org', domain: 'example.org', selector: 'sel', privateKey: createPrivateKey(dkim.privateKeyPem) };
    const signed = await dkimSign(Buffer.from('From: a@example.org\r\nTo: b@localhost\r\nSubject: signed\r\n\r\nThe body it hashed.\r\n'), identity);
    expect(signatureInput(signed).equals(signed)).toBe(true);
    expect((await results(signatureInput(signed))).dkim).toEqual(['pass']);
    // Control: the body counts, so a header section alone would not pass.
    const cut = signed.subarray(0, signed.indexOf('\r\n\r\n') + 4);
    expect((await results(cut)).dkim).toEqual(['neutral']); // mailauth: "body hash did not verify"
  });

  it.runIf(existsSync(corpus))('gives every fixture the same results as the whole message', async () => {
    let unsigned = 0;
    for (const set of readdirSync(corpus, { withFileTypes: true })) {
      if (!set.isDirectory()) continue;
      for (const file of readdirSync(path.join(corpus, set.name)).filter((f) => f.endsWith('.eml'))) {
        const stored = readFileSync(path.join(corpus, set.name, file));
        for (const raw of [stored, crlf(stored)]) {
          const input = signatureInput(raw);
          if (input.length < raw.length) unsigned++;
          expect(await results(input), `${set.name}/${file}`).toEqual(await results(raw));
        }
      }
    }
    // Control: the shortcut was taken, so the comparison above compared something.
    expect(unsigned).toBeGreaterThan(50);
  });
});
