import MiniSearch, { type Query } from 'minisearch';
import { describe, expect, it } from 'vitest';
import { type ScoredQuery, Scorer, type TermSpec, documentIdOf, storedFieldsOf } from './scorer';
import { type RawHit, TopHits, ranksBefore } from './top-hits';

const words = ['amber', 'ambient', 'amble', 'falcon', 'fall', 'report', 'quarterly', 'quarter', 'invoice', 'harvest'];
type Doc = { id: string; subject: string; body: string; date: number };
const BOOST = { subject: 2, body: 1 };
const both = [
  { name: 'subject', boost: 2 },
  { name: 'body', boost: 1 },
];
const subjectOnly = [{ name: 'subject', boost: 2 }];

function buildIndex(): MiniSearch<Doc> {
  const index = new MiniSearch<Doc>({ fields: ['subject', 'body'], storeFields: ['date'] });
  let seed = 7;
  const next = () => (seed = (seed * 48271) % 2147483647);
  for (let i = 0; i < 300; i++) {
    const text = (n: number) => Array.from({ length: n }, () => words[next() % words.length]).join(' ');
    index.add({ id: `d${i}`, subject: text(3), body: text(40), date: i });
  }
  return index;
}

const spec = (term: string, prefix: boolean, fields: TermSpec['fields'] = both): TermSpec => ({ term, prefix, fields });

/** The same query in MiniSearch's own query language: what search() is asked. */
function miniSearchQuery(query: ScoredQuery): Query {
  if (query.parts === null) return MiniSearch.wildcard;
  return {
    queries: query.parts.map((part) => ({
      queries: [part.map((t) => t.term).join(' ')],
      combineWith: 'AND',
      fields: (part[0]?.fields ?? both).map((f) => f.name),
      prefix: (_t: string, i: number) => part[i]!.prefix,
    })),
    combineWith: 'AND',
  } as Query;
}

const queries: ScoredQuery[] = [
  { parts: [[spec('falcon', false)]] },
  { parts: [[spec('quarterly', false), spec('repo', true)]] },
  { parts: [[spec('am', true)], [spec('fall', true, subjectOnly)]] },
  { parts: [[spec('fall', false), spec('fall', false), spec('harv', true)]] },
  { parts: [[spec('invoice', false)], [spec('qu', true, subjectOnly)], [spec('a', true, subjectOnly)]] },
  { parts: null },
];

function scored(index: MiniSearch<Doc>, query: ScoredQuery) {
  const out: { id: string; score: number; terms: string[]; date: unknown }[] = [];
  const scorer = new Scorer();
  scorer.score(index, query, (shortId, score) => {
    out.push({ id: documentIdOf(index, shortId), score, terms: scorer.termsOf(shortId).sort(), date: storedFieldsOf(index, shortId).date });
  });
  return out;
}

function expectSameAsSearch(index: MiniSearch<Doc>, query: ScoredQuery, mine: ReturnType<typeof scored>) {
  const expected = index.search(miniSearchQuery(query), { boost: BOOST });
  expect(mine.map((r) => r.id).sort()).toEqual(expected.map((r) => r.id).sort());
  const byId = new Map(expected.map((r) => [r.id, r]));
  // Equal to the bit, not just close: the same arithmetic in the same order.
  for (const r of mine)
    expect(r).toEqual({ id: r.id, score: byId.get(r.id)!.score, terms: Object.keys(byId.get(r.id)!.match).sort(), date: byId.get(r.id)!.date });
}

describe('Scorer', () => {
  it('matches and scores exactly as MiniSearch.search() does, with the same matched terms and stored fields', () => {
    const index = buildIndex();
    for (const query of queries) {
      const mine = scored(index, query);
      expect(mine.length, JSON.stringify(query)).toBeGreaterThan(0);
      expectSameAsSearch(index, query, mine);
    }
  });

  it('finds nothing for a part without terms or a term no message has, as search() does', () => {
    const index = buildIndex();
    for (const query of [{ parts: [[spec('falcon', false)], []] }, { parts: [[spec('falcon', false), spec('zebra', true)]] }]) {
      expect(scored(index, query)).toEqual([]);
      expect(index.search(miniSearchQuery(query), { boost: BOOST })).toEqual([]);
    }
  });

  it('leaves out discarded messages and scores the rest as search() does before its first clean-up', async () => {
    const index = buildIndex();
    for (const id of ['d0', 'd5', 'd77', 'd150']) index.discard(id);
    // search() drops a discarded message's postings as it meets them, which shifts the scores of
    // the next few. The scorer leaves the index alone, so it is compared with search()'s first
    // sight of each term: one fresh index per query.
    for (const query of queries.slice(0, 3)) {
      const fresh = buildIndex();
      for (const id of ['d0', 'd5', 'd77', 'd150']) fresh.discard(id);
      const mine = scored(fresh, query);
      expect(mine.some((r) => ['d0', 'd5', 'd77', 'd150'].includes(r.id))).toBe(false);
      expectSameAsSearch(fresh, query, mine);
    }
    await index.vacuum({ batchSize: 10_000, batchWait: 0 });
    for (const query of queries) expectSameAsSearch(index, query, scored(index, query));
  });

  it('keeps its buffers across segments of different sizes', () => {
    const scorer = new Scorer();
    const small = new MiniSearch<Doc>({ fields: ['subject', 'body'], storeFields: ['date'] });
    small.add({ id: 'only', subject: 'falcon', body: 'amber', date: 1 });
    const big = buildIndex();
    const seen: string[] = [];
    for (const index of [big, small, big]) scorer.score(index, queries[0]!, (shortId) => seen.push(documentIdOf(index, shortId)));
    const once = scored(big, queries[0]!).map((r) => r.id);
    expect(seen).toEqual([...once, 'only', ...once]);
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
