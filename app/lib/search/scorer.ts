import MiniSearch from 'minisearch';

/**
 * MiniSearch's matching and BM25 scoring, computed straight from its index into reusable typed
 * arrays. `MiniSearch.search()` (and the executeQuery under it) builds a result object, a terms
 * array and a match object for every document a term touches, merges them term by term, and then
 * sorts every match; on 10,000 messages a common word touches all of them, and the garbage those
 * objects leave was most of a query's time (the collector alone took more than the scoring). Here a
 * query allocates a few arrays per segment, whatever it matches, and the engine builds hits only for
 * the matches that make its top list (see TopHits).
 *
 * The arithmetic is MiniSearch's, in the same order, so scores are equal to the bit: scorer.test.ts
 * compares them with `search()` on the same index. MiniSearch's index members are private in its
 * types, so its version is pinned in package.json.
 */

/** The postings of one index term: field id → short document id → term frequency. */
type FieldPostings = Map<number, Map<number, number>>;

interface Internals {
  _index: { get(term: string): FieldPostings | undefined; atPrefix(prefix: string): Iterable<[string, FieldPostings]> };
  _documentIds: Map<number, unknown>;
  _fieldIds: Record<string, number>;
  _fieldLength: Map<number, number[]>;
  _avgFieldLength: number[];
  _documentCount: number;
  _storedFields: Map<number, Record<string, unknown> | undefined>;
  _nextId: number;
}

const internals = <T>(index: MiniSearch<T>) => index as unknown as Internals;

/** One query term: matched in `fields` (each with its boost), and as a prefix of longer terms when `prefix`. */
export interface TermSpec {
  term: string;
  prefix: boolean;
  fields: readonly { name: string; boost: number }[];
}

/**
 * A query: every part must match, and within a part every term (MiniSearch's AND of ANDs). A part
 * with no terms matches nothing, as in MiniSearch. `parts: null` is the wildcard: every message,
 * score 1.
 */
export interface ScoredQuery {
  parts: TermSpec[][] | null;
}

const tokenize = MiniSearch.getDefault('tokenize') as (text: string) => string[];
const processTerm = MiniSearch.getDefault('processTerm') as (term: string) => string | string[] | null | undefined | false;

/** A query string's terms as MiniSearch's default tokenizer and term processing make them. */
export function queryTerms(text: string): string[] {
  return tokenize(text)
    .flatMap((term) => processTerm(term) || [])
    .filter((term) => !!term);
}

// MiniSearch's defaults: BM25+ parameters and the weight of a prefix match.
const K = 1.2;
const B = 0.7;
const D = 0.5;
const PREFIX_WEIGHT = 0.375;

export const documentIdOf = <T>(index: MiniSearch<T>, shortId: number) => String(internals(index)._documentIds.get(shortId));

export const storedFieldsOf = <T>(index: MiniSearch<T>, shortId: number) => internals(index)._storedFields.get(shortId) ?? {};

/**
 * Scores queries segment after segment with the same buffers (a query runs over every segment of
 * the index in turn). Not reentrant: one query at a time.
 */
export class Scorer {
  // By short document id: a term's score, its part's, the query's; and which term and part last touched it.
  private termScore = new Float64Array(0);
  private partScore = new Float64Array(0);
  private total = new Float64Array(0);
  private termMark = new Uint32Array(0);
  private partMark = new Uint32Array(0);
  private mark = 0;
  // The index terms each message matched in the segment being scored, as linked lists in a pool:
  // head[doc] is its latest entry (valid when headMark[doc] is this segment's mark), an entry is an
  // index into `derived` and the entry before it.
  private head = new Int32Array(0);
  private headMark = new Uint32Array(0);
  private entryTerm = new Int32Array(1024);
  private entryNext = new Int32Array(1024);
  private entries = 0;
  private segmentMark = 0;
  private derived: string[] = [];

  /**
   * Calls `visit` with every match of `query` in `index` and its score: the score `search()` gives,
   * which is the summed BM25 of every term times the number of distinct query terms. During the
   * call, `termsOf` names the index terms a match matched.
   */
  score<T>(index: MiniSearch<T>, query: ScoredQuery, visit: (shortId: number, score: number) => void): void {
    const ix = internals(index);
    this.derived = [];
    if (query.parts === null) {
      this.segmentMark = 0;
      for (const shortId of ix._documentIds.keys()) visit(shortId, 1);
      return;
    }
    this.ensure(ix._nextId);
    this.segmentMark = this.nextMark();
    this.entries = 0;
    const distinct = new Set<string>();
    let matches: number[] | null = null;
    for (const part of query.parts) {
      let inPart: number[] | null = part.length === 0 ? [] : null;
      for (const spec of part) {
        distinct.add(spec.term);
        const { touched, mark } = this.scoreTerm(ix, spec);
        const termScore = this.termScore;
        const partScore = this.partScore;
        if (inPart === null) {
          inPart = touched;
          for (const id of inPart) partScore[id] = termScore[id]!;
        } else {
          const kept: number[] = [];
          for (const id of inPart) {
            if (this.termMark[id] !== mark) continue;
            partScore[id] = partScore[id]! + termScore[id]!;
            kept.push(id);
          }
          inPart = kept;
        }
        if (inPart.length === 0) break;
      }
      const found = inPart ?? [];
      const partMark = this.nextMark();
      for (const id of found) this.partMark[id] = partMark;
      if (matches === null) {
        matches = found;
        for (const id of matches) this.total[id] = this.partScore[id]!;
      } else {
        const kept: number[] = [];
        for (const id of matches) {
          if (this.partMark[id] !== partMark) continue;
          this.total[id] = this.total[id]! + this.partScore[id]!;
          kept.push(id);
        }
        matches = kept;
      }
      if (matches.length === 0) break;
    }
    const factor = distinct.size || 1;
    for (const id of matches ?? []) visit(id, this.total[id]! * factor);
  }

  /**
   * The index terms a match of the segment being scored matched, in the order MiniSearch lists them
   * (query term by query term, the exact term before its longer prefix matches): for highlighting,
   * what `search()` calls a result's `match` keys.
   */
  termsOf(shortId: number): string[] {
    if (this.segmentMark === 0 || this.headMark[shortId] !== this.segmentMark) return [];
    const found: string[] = [];
    for (let entry = this.head[shortId]!; entry !== -1; entry = this.entryNext[entry]!) found.push(this.derived[this.entryTerm[entry]!]!);
    return [...new Set(found.reverse())];
  }

  /** One query term's BM25 over its own index term and, for a prefix, every longer one (MiniSearch's termResults). */
  private scoreTerm(ix: Internals, spec: TermSpec): { touched: number[]; mark: number } {
    const mark = this.nextMark();
    const touched: number[] = [];
    const exact = ix._index.get(spec.term);
    if (exact) this.addPostings(ix, spec, spec.term, exact, 1, mark, touched);
    if (spec.prefix) {
      for (const [term, postings] of ix._index.atPrefix(spec.term)) {
        const distance = term.length - spec.term.length;
        if (!distance) continue;
        this.addPostings(ix, spec, term, postings, (PREFIX_WEIGHT * term.length) / (term.length + 0.3 * distance), mark, touched);
      }
    }
    return { touched, mark };
  }

  private addPostings(ix: Internals, spec: TermSpec, term: string, postings: FieldPostings, termWeight: number, mark: number, touched: number[]): void {
    const termScore = this.termScore;
    const termMark = this.termMark;
    const documentIds = ix._documentIds;
    const fieldLength = ix._fieldLength;
    const derived = this.derived.push(term) - 1;
    const segmentMark = this.segmentMark;
    for (const field of spec.fields) {
      const fieldId = ix._fieldIds[field.name]!;
      const freqs = postings.get(fieldId);
      if (freqs == null) continue;
      // A discarded message keeps its postings until a vacuum; MiniSearch counts it out as it meets
      // it, so the messages after it in this list get the smaller count, and so do they here.
      let matching = freqs.size;
      const avgFieldLength = ix._avgFieldLength[fieldId]!;
      const totalCount = ix._documentCount;
      let invDocFreq = Math.log(1 + (totalCount - matching + 0.5) / (matching + 0.5));
      const boost = field.boost;
      // forEach, not for-of: an entries iterator makes an array per posting.
      freqs.forEach((termFreq, docId) => {
        if (!documentIds.has(docId)) {
          matching -= 1;
          invDocFreq = Math.log(1 + (totalCount - matching + 0.5) / (matching + 0.5));
          return;
        }
        const length = fieldLength.get(docId)![fieldId]!;
        const rawScore = invDocFreq * (D + (termFreq * (K + 1)) / (termFreq + K * (1 - B + (B * length) / avgFieldLength)));
        const weighted = termWeight * 1 * boost * 1 * rawScore;
        if (termMark[docId] !== mark) {
          termMark[docId] = mark;
          termScore[docId] = weighted;
          touched.push(docId);
        } else {
          termScore[docId] = termScore[docId]! + weighted;
        }
        // Record the index term for this message once (its fields come one after another).
        const head = this.headMark[docId] === segmentMark ? this.head[docId]! : -1;
        if (head === -1 || this.entryTerm[head] !== derived) this.record(docId, head, derived, segmentMark);
      });
    }
  }

  private record(docId: number, head: number, derived: number, segmentMark: number): void {
    if (this.entries === this.entryTerm.length) {
      const term = new Int32Array(this.entries * 2);
      const next = new Int32Array(this.entries * 2);
      term.set(this.entryTerm);
      next.set(this.entryNext);
      this.entryTerm = term;
      this.entryNext = next;
    }
    const entry = this.entries++;
    this.entryTerm[entry] = derived;
    this.entryNext[entry] = head;
    this.head[docId] = entry;
    this.headMark[docId] = segmentMark;
  }

  /** A mark no array holds yet (they are cleared when the counter would wrap). */
  private nextMark(): number {
    if (this.mark === 0xffffffff) {
      this.termMark.fill(0);
      this.partMark.fill(0);
      this.headMark.fill(0);
      this.mark = 0;
    }
    return ++this.mark;
  }

  private ensure(size: number): void {
    if (this.termScore.length >= size) return;
    const length = Math.max(size, this.termScore.length * 2, 1024);
    this.termScore = new Float64Array(length);
    this.partScore = new Float64Array(length);
    this.total = new Float64Array(length);
    this.termMark = new Uint32Array(length);
    this.partMark = new Uint32Array(length);
    this.head = new Int32Array(length);
    this.headMark = new Uint32Array(length);
    this.mark = 0;
  }
}
