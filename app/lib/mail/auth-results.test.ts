import { describe, expect, it } from 'vitest';
import { authFromHeader, describeAuth } from './auth-results';

describe('authFromHeader', () => {
  it('reads each method, preferring a passing DKIM signature among several', () => {
    const header = 'mx.localhost; spf=softfail smtp.mailfrom=a@example.com; dkim=fail header.d=x.example; dkim=pass header.d=example.com; dmarc=pass (p=reject) header.from=example.com';
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
