import { describe, expect, it } from 'vitest';
import { authFromHeader, checkedAuth, describeAuth } from './auth-results';

describe('authFromHeader', () => {
  it('reads each method, preferring a passing DKIM signature among several', () => {
    const header =
      'mx.localhost; spf=softfail smtp.mailfrom=a@example.com; dkim=fail header.d=x.example; dkim=pass header.d=example.com; dmarc=pass (p=reject) header.from=example.com';
    expect(authFromHeader(header)).toEqual({ spf: 'softfail', dkim: 'pass', dmarc: 'pass', arc: 'none' });
  });

  it('returns null when there is nothing to read', () => {
    expect(authFromHeader(null)).toBeNull();
    expect(authFromHeader('mx.localhost; none')).toBeNull();
  });
});

describe('describeAuth', () => {
  it('labels each result with a tone and warns on a DMARC failure', () => {
    const { verdicts, warning } = describeAuth({ spf: 'pass', dkim: 'fail', dmarc: 'fail', arc: 'none' });
    expect(verdicts.map((v) => `${v.label}:${v.tone}`)).toEqual(['SPF:pass', 'DKIM:fail', 'DMARC:fail', 'ARC:neutral']);
    expect(warning).toMatch(/failed DMARC/);
  });

  it('warns when neither SPF nor DKIM vouches for the sender, and stays quiet when all pass', () => {
    expect(describeAuth({ spf: 'fail', dkim: 'none', dmarc: 'none', arc: 'none' }).warning).toMatch(/could not be verified/);
    expect(describeAuth({ spf: 'pass', dkim: 'pass', dmarc: 'pass', arc: 'none' }).warning).toBeNull();
  });
});

describe('checkedAuth', () => {
  const none = { spf: 'none', dkim: 'none', dmarc: 'none', arc: 'none' };
  it('shows nothing for your own Sent copy: no MX header, a summary of all "none"', () => {
    expect(checkedAuth({ summaryAuth: none, header: null, internalOrigin: false })).toBeNull();
  });

  it('shows nothing for mail from a user here, whose origin proves the sender', () => {
    expect(checkedAuth({ summaryAuth: none, header: 'mx.localhost; spf=none', internalOrigin: true })).toBeNull();
  });

  it('shows what the MX found for mail from outside, from the summary or else the header', () => {
    const found = { spf: 'pass', dkim: 'none', dmarc: 'fail', arc: 'none' };
    expect(checkedAuth({ summaryAuth: found, header: 'mx.localhost; spf=pass', internalOrigin: false })).toEqual(found);
    expect(checkedAuth({ summaryAuth: undefined, header: 'mx.localhost; spf=pass', internalOrigin: false })).toEqual({ ...none, spf: 'pass' });
  });
});
