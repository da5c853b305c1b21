import MiniSearch, { type Query } from 'minisearch';
import { describe, expect, it } from 'vitest';
import { documentId, rawMatches, scoreOf, storedFields } from './minisearch-raw';
import { type RawHit, TopHits, ranksBefore } from './top-hits';

const words = ['amber', 'ambient', 'amble', 'falcon', 'fall', 'report', 'quarterly', 'quarter', 'invoice', 'harvest'];

describe('rawMatches', () => {
  it('scores exactly as MiniSearch.search() does, with the same matched terms and stored fields', async () => {
    const index = new MiniSearch<{ id: string; subject: string; body: string; date: number }>({ fields: ['subject', 'body'], storeFields: ['date'] });
    let seed = 7;
    const next = () => (seed = (seed * 48271) % 2147483647);
    for (let i = 0; i < 300; i++) {
      const text = (n: number) => Array.from({ length: n }, () => words[next() % words.length]).join(' ');
      index.add({ id: `d${i}`, subject: text(3), body: text(40), date: i });
    }
    index.discard('d5');
    // Queries drop a discarded message's terms as they meet them, which shifts the scores of the
    // next few (search() alike); a vacuum drops them all at once, so both see the same index.
    await index.vacuum({ batchSize: 10_000, batchWait: 0 });
    const queries: Query[] = [
      'falcon',
      { queries: ['quarterly repo'], combineWith: 'AND', prefix: (_t: string, i: number, all: string[]) => i === all.length - 1 },
      {
        queries: [
          { queries: ['am'], prefix: true },
          { queries: ['fall'], fields: ['subject'], combineWith: 'AND' },
        ],
        combineWith: 'AND',
      },
      MiniSearch.wildcard,
    ];
    for (const query of queries) {
      const options = { boost: { subject: 2 } };
      const expected = index.search(query, options);
      const raw = [...rawMatches(index, query, options)].map(([shortId, match]) => ({
        id: documentId(index, shortId),
        score: scoreOf(match),
        terms: Object.keys(match.match),
        date: storedFields(index, shortId).date,
      }));
      expect(raw.length).toBeGreaterThan(0);
      expect(raw.map((r) => r.id).sort()).toEqual(expected.map((r) => r.id).sort());
      const byId = new Map(expected.map((r) => [r.id, r]));
      for (const r of raw) expect(r).toEqual({ id: r.id, score: byId.get(r.id)!.score, terms: byId.get(r.id)!.terms, date: byId.get(r.id)!.date });
    }
  });
});

describe('TopHits', () => {
  it('keeps what sorting everything and taking the first `limit` keeps, in the same order', () => {
    const hit = (i: number): RawHit => ({ id: `m${(i * 7919) % 1000}`, score: (i * 31) % 17, date: (i * 13) % 5, subject: '', from: '', text: '', terms: [] });
    const all = Array.from({ length: 1000 }, (_, i) => hit(i));
    const sorted = [...all].sort((a, b) => (ranksBefore(a, b) ? -1 : 1));
    for (const limit of [0, 1, 25, 999, 2000]) {
      const top = new TopHits(limit);
      for (const h of all) if (top.mayTake(h.score)) top.add(h);
      expect(top.ranked().map((h) => h.id)).toEqual(sorted.slice(0, limit).map((h) => h.id));
    }
  });
});
