import { describe, expect, it } from 'vitest';
import { appOrigin, checkOrigin } from './origin';

const own = 'https://mail.example.com';
const headers = (h: Record<string, string>) => new Headers(h);

describe('appOrigin', () => {
  it('is the origin of PUBLIC_URL, without path or trailing slash', () => {
    expect(appOrigin({ PUBLIC_URL: 'https://mail.example.com/sealpost/', PORT: 3000 })).toBe(own);
  });
  it('is localhost on PORT when PUBLIC_URL is unset, as the supervisor tells next-auth', () => {
    expect(appOrigin({ PUBLIC_URL: undefined, PORT: 3100 })).toBe('http://localhost:3100');
  });
});

describe('checkOrigin', () => {
  it('lets safe methods through whatever their origin', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS']) {
      expect(checkOrigin(method, headers({ origin: 'http://evil.example', cookie: 'a=b' }), own).allowed).toBe(true);
    }
  });
  it('accepts a mutation from the own origin and refuses any other, including null', () => {
    expect(checkOrigin('POST', headers({ origin: own }), own)).toEqual({ allowed: true });
    expect(checkOrigin('POST', headers({ origin: 'http://evil.example' }), own)).toEqual({ allowed: false, seen: 'http://evil.example' });
    expect(checkOrigin('DELETE', headers({ origin: 'null' }), own).allowed).toBe(false);
    // Same host, other scheme or port: another origin.
    expect(checkOrigin('POST', headers({ origin: 'http://mail.example.com' }), own).allowed).toBe(false);
    expect(checkOrigin('PUT', headers({ origin: 'https://mail.example.com:8443' }), own).allowed).toBe(false);
  });
  it('trusts Origin over Referer when both are present', () => {
    expect(checkOrigin('POST', headers({ origin: 'http://evil.example', referer: `${own}/inbox` }), own).allowed).toBe(false);
  });
  it('falls back to the Referer when there is no Origin', () => {
    expect(checkOrigin('POST', headers({ referer: `${own}/settings` }), own).allowed).toBe(true);
    expect(checkOrigin('POST', headers({ referer: 'http://evil.example/x', cookie: 'a=b' }), own)).toEqual({ allowed: false, seen: 'http://evil.example' });
    expect(checkOrigin('POST', headers({ referer: 'not a url' }), own).allowed).toBe(false);
  });
  it('with neither header, refuses a request that carries cookies and lets a cookieless one through', () => {
    expect(checkOrigin('POST', headers({ cookie: 'next-auth.session-token=x' }), own).allowed).toBe(false);
    expect(checkOrigin('POST', headers({}), own).allowed).toBe(true);
  });
});
