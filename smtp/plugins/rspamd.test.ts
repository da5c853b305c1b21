import { describe, expect, it } from 'vitest';
import { verdictFor } from './rspamd';

/** rspamd's actions as the issue maps them; the real daemon's answers are in daemons.integration.test.ts. */
describe('rspamd action mapping', () => {
  const result = (action: string, score = 10) => ({ action, score, symbols: ['A'] });

  it('reject → 550 5.7.1; soft reject and greylist → 451 4.7.1; add header and rewrite subject → Spam; no action → Inbox', () => {
    expect(verdictFor(result('reject'), {})).toEqual({ kind: 'reject', code: 550, text: '5.7.1 Message rejected as spam' });
    expect(verdictFor(result('soft reject'), {})).toEqual({ kind: 'tempfail', code: 451, text: '4.7.1 Try again later' });
    expect(verdictFor(result('greylist'), {})).toEqual({ kind: 'tempfail', code: 451, text: '4.7.1 Try again later' });
    for (const action of ['add header', 'rewrite subject']) {
      expect(verdictFor(result(action), {})).toMatchObject({ kind: 'tag', tag: { folder: 'spam', score: 10, symbols: ['A'] } });
    }
    const clean = verdictFor(result('no action', 1), {});
    expect(clean).toMatchObject({ kind: 'tag', tag: { score: 1 } });
    expect(clean.kind === 'tag' && clean.tag.folder).toBeFalsy();
  });

  it('thresholds: under RSPAMD_REJECT_SCORE a reject goes to Spam; at RSPAMD_SPAM_SCORE no action goes to Spam; an unknown action fails', () => {
    expect(verdictFor(result('reject', 15), { rejectScore: 20 })).toMatchObject({ kind: 'tag', tag: { folder: 'spam' } });
    expect(verdictFor(result('reject', 25), { rejectScore: 20 })).toMatchObject({ kind: 'reject', code: 550 });
    expect(verdictFor(result('no action', 5), { spamScore: 5 })).toMatchObject({ kind: 'tag', tag: { folder: 'spam' } });
    expect(() => verdictFor(result('quarantine'), {})).toThrow(/unknown action/);
  });
});
