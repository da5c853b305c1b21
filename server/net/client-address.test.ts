import { describe, expect, it } from 'vitest';
import { clientAddress, normalizeIp, trustedProxies } from './client-address';

describe('clientAddress', () => {
  const none = trustedProxies([]);
  const lb = trustedProxies(['10.0.0.0/8', 'fd00::/8', '192.0.2.7']);

  it('ignores X-Forwarded-For when no proxy is trusted', () => {
    expect(clientAddress('203.0.113.5', ['1.2.3.4'], none)).toBe('203.0.113.5');
    expect(clientAddress('::ffff:203.0.113.5', [], none)).toBe('203.0.113.5');
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', () => {
    expect(clientAddress('203.0.113.5', ['1.2.3.4'], lb)).toBe('203.0.113.5');
  });

  it('takes the hop a trusted proxy appended, not what the client wrote before it', () => {
    // The client sent "X-Forwarded-For: 1.2.3.4"; the load balancer appended the real peer.
    expect(clientAddress('10.1.1.1', ['1.2.3.4, 198.51.100.9'], lb)).toBe('198.51.100.9');
    // Two trusted hops in a row, across two headers.
    expect(clientAddress('10.1.1.1', ['1.2.3.4, 198.51.100.9', '192.0.2.7'], lb)).toBe('198.51.100.9');
    expect(clientAddress('fd00::1', ['2001:db8::5'], lb)).toBe('2001:db8::5');
  });

  it('stops at a hop that is not an address, and uses the last good one', () => {
    expect(clientAddress('10.1.1.1', ['junk'], lb)).toBe('10.1.1.1');
    expect(clientAddress('10.1.1.1', ['198.51.100.9, <script>'], lb)).toBe('10.1.1.1');
  });

  it('uses the leftmost hop when every hop is a trusted proxy', () => {
    expect(clientAddress('10.1.1.1', ['10.2.2.2'], lb)).toBe('10.2.2.2');
  });

  it('refuses malformed ranges', () => {
    expect(() => trustedProxies(['10.0.0.0/33'])).toThrow(/CIDR/);
    expect(() => trustedProxies(['not-an-ip'])).toThrow(/not an IP/);
    expect(normalizeIp('[::1]')).toBe('::1');
  });
});

describe('TRUSTED_PROXIES', () => {
  it('is empty by default, takes a list of CIDRs, and names itself when malformed', async () => {
    const { parseEnv } = await import('../env');
    expect(parseEnv({}).TRUSTED_PROXIES).toEqual([]);
    expect(parseEnv({ TRUSTED_PROXIES: '10.0.0.0/8, ::1' }).TRUSTED_PROXIES).toEqual(['10.0.0.0/8', '::1']);
    expect(() => parseEnv({ TRUSTED_PROXIES: '10.0.0.0/8,example.com' })).toThrow(/TRUSTED_PROXIES="10.0.0.0\/8,example.com": expected a comma-separated list/);
  });
});
