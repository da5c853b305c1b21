import { describe, expect, it } from 'vitest';
import { normalizeDomainName } from './domain-name';

describe('normalizeDomainName', () => {
  it('lowercases, trims and converts IDNs to punycode', () => {
    expect(normalizeDomainName('  Example.COM. ')).toMatchObject({ ok: true, ascii: 'example.com' });
    expect(normalizeDomainName('bücher.example')).toEqual({ ok: true, ascii: 'xn--bcher-kva.example', unicode: 'bücher.example' });
  });
  it('refuses what is not a domain, saying what to fix', () => {
    expect(normalizeDomainName('localhost')).toMatchObject({ ok: false, error: expect.stringContaining('with a dot') });
    expect(normalizeDomainName('https://example.com')).toMatchObject({ ok: false, error: expect.stringContaining('without spaces') });
    expect(normalizeDomainName('bad_label.example').ok).toBe(false);
    expect(normalizeDomainName('-lead.example').ok).toBe(false);
    expect(normalizeDomainName('10.0.0.1').ok).toBe(false);
    expect(normalizeDomainName('').ok).toBe(false);
  });
});
