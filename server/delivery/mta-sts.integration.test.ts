import { randomUUID } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboundRecipientRow } from '../../db/schema';
import { createDnsResolver } from '../mail/dns';
import { type LoopbackDns, type LoopbackZone, startLoopbackDns } from '../../testing/loopback-dns';
import { type SmtpSink, startSmtpSink } from '../../testing/outbound/smtp-sink';
import { type TestCert, issueCert, makeCa } from '../../testing/test-ca';
import { deliverToDomain } from './domain-delivery';
import { createMtaStsLookup, mxMatches, parsePolicy } from './mta-sts';
import { SmtpPools } from './smtp-client';

/**
 * MTA-STS on the sending side, with a real policy host (HTTPS) and real MX hosts on loopback, a
 * real DNS server and a CA made for the test: an `enforce` policy whose MX presents a certificate
 * for another name gets nothing (deferred, not sent in the clear); one with a valid certificate is
 * delivered over TLS; a domain without a policy still gets opportunistic TLS.
 */
let dir: string;
let ca: TestCert;
let dns: LoopbackDns;
let policyHost: https.Server;
let goodMx: SmtpSink;
let wrongMx: SmtpSink;
const zone: LoopbackZone = {};
const policies = new Map<string, string>();

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sealpost-mta-sts-'));
  ca = makeCa(dir, 'ca');
  const policyCert = issueCert(dir, ca, 'policy', ['mta-sts.good.test', 'mta-sts.mismatch.test', 'mta-sts.unlisted.test']);
  const goodCert = issueCert(dir, ca, 'good-mx', ['mx.good.test']);
  const otherCert = issueCert(dir, ca, 'other', ['somewhere-else.test']);
  policyHost = https.createServer({ key: policyCert.key, cert: policyCert.cert }, (req, res) => {
    const policy = req.url === '/.well-known/mta-sts.txt' ? policies.get(String(req.headers.host)) : undefined;
    if (!policy) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/plain' }).end(policy);
  });
  await new Promise<void>((resolve) => policyHost.listen(0, '127.0.0.1', resolve));
  goodMx = await startSmtpSink({}, { credentials: goodCert });
  // A real CA's certificate, but for another name: what an attacker in the path could present.
  wrongMx = await startSmtpSink({}, { credentials: otherCert });
  dns = await startLoopbackDns(zone);
}, 60_000);

afterAll(async () => {
  policyHost?.close();
  await goodMx?.close();
  await wrongMx?.close();
  await dns?.close();
  rmSync(dir, { recursive: true, force: true });
});

function publish(domain: string, mx: string, policy: string | undefined) {
  zone[domain] = { MX: [{ exchange: mx, priority: 10 }] };
  zone[mx] = { A: ['127.0.0.1'] };
  if (policy) {
    zone[`_mta-sts.${domain}`] = { TXT: [`v=STSv1; id=${Date.now()}`] };
    zone[`mta-sts.${domain}`] = { A: ['127.0.0.1'] };
    policies.set(`mta-sts.${domain}`, policy);
  }
}

const recipient = (address: string): OutboundRecipientRow =>
  ({
    id: randomUUID(),
    outbound_id: randomUUID(),
    address,
    domain: address.split('@')[1]!,
    status: 'sending',
    attempts: 0,
    last_reply: null,
    next_attempt_at: null,
    expires_at: new Date(Date.now() + 86_400_000),
    updated_at: null,
  }) as OutboundRecipientRow;

async function deliver(domain: string, port: number) {
  const resolve = createDnsResolver([dns.address]);
  const pools = new SmtpPools({ heloName: 'out.sealpost.test', tlsCa: ca.cert });
  const mtaSts = createMtaStsLookup({ resolve, ca: ca.cert, port: (policyHost.address() as AddressInfo).port });
  try {
    const mime = Buffer.from(`From: a@sealpost.test\r\nTo: b@${domain}\r\nSubject: sts ${domain}\r\n\r\nhello\r\n`);
    return await deliverToDomain({ resolve, pools, port, mtaSts }, 'a@sealpost.test', mime, domain, [recipient(`b@${domain}`)]);
  } finally {
    pools.close();
  }
}

const enforce = (mx: string) => `version: STSv1\nmode: enforce\nmx: ${mx}\nmax_age: 86400\n`;

describe('MTA-STS when sending', () => {
  it('parses policies and matches MX patterns as RFC 8461 says', () => {
    const policy = parsePolicy('version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\nmax_age: 604800\r\n')!;
    expect(policy).toEqual({ mode: 'enforce', mx: ['mail.example.com', '*.example.net'], maxAgeSeconds: 604800 });
    expect(mxMatches(policy, 'mail.example.com.')).toBe(true);
    expect(mxMatches(policy, 'mx1.example.net')).toBe(true);
    expect(mxMatches(policy, 'a.mx1.example.net')).toBe(false);
    expect(mxMatches(policy, 'example.net')).toBe(false);
    expect(parsePolicy('version: STSv1\nmode: enforce\nmax_age: 10\n')).toBeUndefined();
    expect(parsePolicy('version: STSv2\nmode: none\nmax_age: 10\n')).toBeUndefined();
  });

  it('enforce, and the MX certificate does not match its name: deferred, nothing sent in the clear', async () => {
    publish('mismatch.test', 'mx.mismatch.test', enforce('mx.mismatch.test'));
    const [result] = await deliver('mismatch.test', wrongMx.port);
    expect(result!.outcome).toBe('deferred');
    expect(result!.reply).toMatch(/^4\./);
    expect(wrongMx.messages).toHaveLength(0);
  });

  it('enforce, and the MX is not in the policy: deferred without connecting', async () => {
    publish('unlisted.test', 'mx.unlisted.test', enforce('mx.elsewhere.test'));
    const [result] = await deliver('unlisted.test', goodMx.port);
    expect(result).toMatchObject({ outcome: 'deferred', status: '4.7.5' });
    expect(goodMx.messages.filter((m) => m.recipients.includes('b@unlisted.test'))).toHaveLength(0);
  });

  it('enforce, with a valid certificate for the listed MX: delivered over TLS', async () => {
    publish('good.test', 'mx.good.test', enforce('mx.good.test'));
    const [result] = await deliver('good.test', goodMx.port);
    expect(result!.outcome).toBe('delivered');
    const received = goodMx.messages.filter((m) => m.recipients.includes('b@good.test'));
    expect(received).toHaveLength(1);
    expect(received[0]!.secure).toBe(true);
  });

  it('no policy: the same mismatched certificate is accepted (opportunistic TLS, RFC 7435)', async () => {
    publish('nopolicy.test', 'mx.nopolicy.test', undefined);
    const [result] = await deliver('nopolicy.test', wrongMx.port);
    expect(result!.outcome).toBe('delivered');
    expect(wrongMx.messages.filter((m) => m.recipients.includes('b@nopolicy.test'))).toHaveLength(1);
  });
});
