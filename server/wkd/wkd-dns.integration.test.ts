import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDnsResolver } from '../mail/dns';
import { type LoopbackDns, startLoopbackDns } from '../../testing/loopback-dns';
import { lookupWkd } from './wkd-client';

/** WKD look-ups resolve the directory's host through DNS_SERVERS, and refuse private answers from it. */
let dns: LoopbackDns;
beforeAll(async () => {
  dns = await startLoopbackDns({ 'openpgpkey.inside.test': { A: ['127.0.0.1'] }, 'inside.test': { A: ['10.1.2.3'] } });
});
afterAll(() => dns?.close());

describe('lookupWkd with a resolver', () => {
  it('asks the configured DNS server for both hosts, and never connects to the private addresses it gives', async () => {
    const before = dns.queries();
    const result = await lookupWkd('bob@inside.test', { resolve: createDnsResolver([dns.address]), timeoutMs: 1000 });
    expect(result).toEqual({ status: 'not-found' });
    // A and AAAA for openpgpkey.inside.test, then for inside.test.
    expect(dns.queries() - before).toBe(4);
  });

  it('is not-found for a domain the DNS server answers NXDOMAIN for', async () => {
    const before = dns.queries();
    expect(await lookupWkd('bob@nowhere.test', { resolve: createDnsResolver([dns.address]), timeoutMs: 1000 })).toEqual({ status: 'not-found' });
    expect(dns.queries() - before).toBe(4);
  });
});
