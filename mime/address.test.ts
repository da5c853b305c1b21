import { describe, expect, it } from 'vitest';
import { addressError, asciiDomain, parseAddress, splitMailboxEntry } from './address';

describe('parseAddress: the one grammar the browser and the server share', () => {
  it('splits dot-atom and quoted local parts, Unicode and address-literal domains', () => {
    expect(parseAddress('Ann.Lee+tag@Example.ORG.')).toEqual({ local: 'Ann.Lee+tag', domain: 'example.org' });
    expect(parseAddress('"ann lee"@example.org')).toEqual({ local: '"ann lee"', domain: 'example.org' });
    expect(parseAddress('jörg@bücher.example')).toEqual({ local: 'jörg', domain: 'bücher.example' });
    expect(parseAddress('x@[127.0.0.1]')).toEqual({ local: 'x', domain: '[127.0.0.1]' });
  });

  it('refuses what is not an address', () => {
    for (const bad of [
      '',
      'plain',
      '@example.org',
      'a@',
      'a b@example.org',
      'a..b@example.org',
      '.a@example.org',
      'a@-x.example',
      'a@x_y.example',
      `${'a'.repeat(65)}@example.org`,
      `a@${'b'.repeat(250)}.org`,
    ]) {
      expect(parseAddress(bad), bad).toBeUndefined();
    }
  });
});

describe('addressError', () => {
  it('wants a dotted domain, unless it is the instance’s own', () => {
    expect(addressError('joe@example.org')).toBeNull();
    expect(addressError('joe@localhost', 'localhost')).toBeNull();
    expect(addressError('joe@intranet', 'localhost')).toMatch(/no complete domain/);
    expect(addressError('not an address')).toMatch(/isn't an email address/);
    expect(addressError(`${'a'.repeat(60)}@${'b'.repeat(200)}.org`)).toBe('That address is too long.');
  });
});

describe('asciiDomain and splitMailboxEntry', () => {
  it('gives DNS the punycode form, and reads "Name <a@b>" entries', () => {
    expect(asciiDomain('bücher.example')).toBe('xn--bcher-kva.example');
    expect(asciiDomain('Example.ORG')).toBe('example.org');
    expect(splitMailboxEntry('"Doe, Jane" <jane@example.org>')).toEqual({ name: 'Doe, Jane', address: 'jane@example.org' });
    expect(splitMailboxEntry(' mailto:x@example.org ')).toEqual({ name: '', address: 'x@example.org' });
  });
});
