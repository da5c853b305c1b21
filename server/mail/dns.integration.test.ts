import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoopbackDns, startLoopbackDns } from '../../testing/loopback-dns';
import { createDnsResolver } from './dns';

/** The resolver against a real DNS server on loopback. */
let server: LoopbackDns;
beforeAll(async () => {
  server = await startLoopbackDns({
    'spf.example': { TXT: ['v=spf1 -all'] },
    'broken.example': { fail: 'servfail' },
    'silent.example': { fail: 'silent' },
  });
});
afterAll(() => server?.close());

const code = (promise: Promise<unknown>) =>
  promise.then(
    () => 'answered',
    (err: { code?: string }) => err.code,
  );

describe('createDnsResolver', () => {
  it('asks the configured server and reports NXDOMAIN, NODATA and SERVFAIL as node does', async () => {
    const resolve = createDnsResolver([server.address]);
    expect(await resolve('spf.example', 'TXT')).toEqual([['v=spf1 -all']]);
    expect(await code(resolve('missing.example', 'TXT'))).toBe('ENOTFOUND');
    expect(await code(resolve('spf.example', 'MX'))).toBe('ENODATA');
    expect(await code(resolve('broken.example', 'TXT'))).toBe('ESERVFAIL');
  });

  it('gives up on a server that never answers after one try of the timeout', async () => {
    const resolve = createDnsResolver([server.address], { timeoutMs: 300 });
    const started = Date.now();
    expect(await code(resolve('silent.example', 'TXT'))).toBe('ETIMEOUT');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('caches answers and non-existence for the TTL, never failures, and hands out copies', async () => {
    let now = 1_000_000;
    const resolve = createDnsResolver([server.address], { cacheMs: 60_000, now: () => now });
    const asked = () => server.queries();

    const before = asked();
    const first = (await resolve('spf.example', 'TXT')) as string[][];
    first[0]![0] = 'changed by a caller';
    expect(await resolve('SPF.example', 'TXT')).toEqual([['v=spf1 -all']]);
    expect(await code(resolve('missing.example', 'TXT'))).toBe('ENOTFOUND');
    expect(await code(resolve('missing.example', 'TXT'))).toBe('ENOTFOUND');
    expect(asked() - before).toBe(2);

    expect(await code(resolve('broken.example', 'TXT'))).toBe('ESERVFAIL');
    expect(await code(resolve('broken.example', 'TXT'))).toBe('ESERVFAIL');
    expect(asked() - before).toBe(4);

    now += 60_001;
    await resolve('spf.example', 'TXT');
    expect(asked() - before).toBe(5);
  });
});
