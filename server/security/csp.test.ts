import { describe, expect, it } from 'vitest';
import { newNonce, pageContentSecurityPolicy } from './csp';

const directives = (csp: string) =>
  new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...values]) => [name, values]),
  );

describe('pageContentSecurityPolicy', () => {
  it('allows scripts only with the nonce, and never eval in production', () => {
    const d = directives(pageContentSecurityPolicy('abc', { dev: false, https: true }));
    expect(d.get('script-src')).toContain("'nonce-abc'");
    expect(d.get('script-src')).not.toContain("'unsafe-inline'");
    expect(d.get('script-src')).not.toContain("'unsafe-eval'");
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(d.get('base-uri')).toEqual(["'none'"]);
    expect(d.get('frame-ancestors')).toEqual(["'none'"]);
    expect(d.get('connect-src')).toEqual(["'self'"]);
    expect(d.has('upgrade-insecure-requests')).toBe(true);
  });
  it("adds 'unsafe-eval' in development only, and upgrades requests only on https", () => {
    const d = directives(pageContentSecurityPolicy('abc', { dev: true, https: false }));
    expect(d.get('script-src')).toContain("'unsafe-eval'");
    expect(d.has('upgrade-insecure-requests')).toBe(false);
  });
});

describe('newNonce', () => {
  it('is 128 bits of base64, different each time', () => {
    const a = newNonce();
    expect(a).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(newNonce()).not.toBe(a);
  });
});
