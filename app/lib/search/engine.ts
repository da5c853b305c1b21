import MiniSearch from 'minisearch';
import type { SearchQuery } from './query';
import { type ScoredQuery, Scorer, type TermSpec, documentIdOf, queryTerms, storedFieldsOf } from './scorer';
import { TopHits } from './top-hits';

/**
 * The full-text index, split into segments of at most SEGMENT_SIZE messages, each a MiniSearch
 * index serialized on its own, so a new message or a deletion rewrites one segment, not the whole
 * index, and a second browser downloads segments instead of re-reading mail. A manifest says which
 * segment holds which message. Plain module: it runs in the search Worker and in Node tests.
 *
 * MiniSearch, because its whole index serializes to and from JSON in one call (what encrypted
 * segments need), it adds and discards single documents, does prefix and per-field boosted search,
 * and it is small (no dependencies) and well kept.
 */
export const SEGMENT_SIZE = 500;
/** Characters of body text kept per message, for "quoted phrases" and the highlighted excerpt. */
export const KEPT_TEXT = 2000;
/**
 * Decrypted segments kept in the Worker's memory between queries, by the length of their JSON
 * (the parsed index takes a small multiple of it). Past it the least recently used segments that
 * hold no unsaved change are dropped, and read back from IndexedDB when a query needs them.
 */
export const SEGMENT_CACHE_CHARS = 160 * 1024 * 1024;

export interface SearchDoc {
  id: string;
  subject: string;
  from: string;
  /** To and Cc. */
  to: string;
  filenames: string;
  /** The body without quoted lines. */
  body: string;
  /** Quoted lines ("> …"): found, but weighed less. */
  quoted: string;
  /** Epoch ms of the Date header, else of arrival. */
  date: number;
  hasAttachment: boolean;
  /** Subject and body start, lowercased and collapsed: phrase checks and excerpts. */
  text: string;
}

export interface SearchHit {
  id: string;
  score: number;
  date: number;
  subject: string;
  from: string;
  excerpt: string;
  /** The index terms that matched, for highlighting. */
  terms: string[];
}

const FIELDS = ['subject', 'from', 'to', 'filenames', 'body', 'quoted'] as const;
const STORED = ['subject', 'from', 'date', 'hasAttachment', 'text'] as const;
const BOOST = { subject: 2, from: 2, to: 1.5, filenames: 1.5, body: 1, quoted: 0.3 };

const options = { fields: [...FIELDS], storeFields: [...STORED] };

export interface Manifest {
  v: 1;
  /** Segment id → number of messages in it. */
  segments: Record<string, number>;
  /** Message id → segment id. */
  docs: Record<string, string>;
}

type StoredFields = { subject: string; from: string; date: number; hasAttachment: boolean; text: string };

export class SearchEngine {
  private manifest: Manifest = { v: 1, segments: {}, docs: {} };
  private readonly indexes = new Map<string, MiniSearch<SearchDoc>>();
  private readonly dirty = new Set<string>();
  private manifestDirty = false;
  /** JSON length of each loaded segment (0 until first serialized), and when a query last used it. */
  private readonly sizes = new Map<string, number>();
  private readonly used = new Map<string, number>();
  private clock = 0;

  constructor(
    private readonly newSegmentId: () => string,
    private readonly cacheChars = SEGMENT_CACHE_CHARS,
  ) {}

  /** How much segment JSON the engine keeps loaded. */
  get cacheBound(): number {
    return this.cacheChars;
  }

  get size(): number {
    return Object.keys(this.manifest.docs).length;
  }

  has(id: string): boolean {
    return id in this.manifest.docs;
  }

  indexedIds(): string[] {
    return Object.keys(this.manifest.docs);
  }

  loadManifest(json: string): void {
    const parsed = JSON.parse(json) as Manifest;
    if (parsed.v !== 1 || typeof parsed.segments !== 'object' || typeof parsed.docs !== 'object') throw new Error('not a search manifest');
    this.manifest = parsed;
  }

  /** The segments the manifest names that are not loaded yet. */
  missingSegments(): string[] {
    return Object.keys(this.manifest.segments).filter((id) => !this.indexes.has(id));
  }

  /** Every segment the manifest names, loaded or not. */
  segmentIds(): string[] {
    return Object.keys(this.manifest.segments);
  }

  isLoaded(id: string): boolean {
    return this.indexes.has(id);
  }

  /** The segments that hold these messages. */
  segmentsOf(ids: string[]): string[] {
    return [...new Set(ids.flatMap((id) => this.manifest.docs[id] ?? []))];
  }

  loadSegment(id: string, json: string): void {
    this.indexes.set(id, MiniSearch.loadJSON<SearchDoc>(json, options));
    this.sizes.set(id, json.length);
    this.used.set(id, ++this.clock);
    this.evict(id);
  }

  /** Loaded segments' JSON length in all (what the cache bound counts). */
  cachedChars(): number {
    let total = 0;
    for (const id of this.indexes.keys()) total += this.sizes.get(id) ?? 0;
    return total;
  }

  /** Drops the least recently used clean segments until the cache fits its bound (`keep` stays). */
  private evict(keep?: string): void {
    let total = this.cachedChars();
    if (total <= this.cacheChars) return;
    const candidates = [...this.indexes.keys()]
      .filter((id) => id !== keep && !this.dirty.has(id) && (this.manifest.segments[id] ?? 0) >= SEGMENT_SIZE)
      .sort((a, b) => (this.used.get(a) ?? 0) - (this.used.get(b) ?? 0));
    for (const id of candidates) {
      if (total <= this.cacheChars) break;
      total -= this.sizes.get(id) ?? 0;
      this.indexes.delete(id);
      this.sizes.delete(id);
      this.used.delete(id);
    }
  }

  add(docs: SearchDoc[]): void {
    for (const doc of docs) {
      if (this.has(doc.id)) this.remove([doc.id]);
      const segment = this.openSegment();
      this.indexes.get(segment)!.add(doc);
      this.manifest.docs[doc.id] = segment;
      this.manifest.segments[segment] = (this.manifest.segments[segment] ?? 0) + 1;
      this.dirty.add(segment);
      this.manifestDirty = true;
    }
  }

  remove(ids: string[]): void {
    for (const id of ids) {
      const segment = this.manifest.docs[id];
      if (!segment) continue;
      const index = this.indexes.get(segment);
      if (index?.has(id)) index.discard(id);
      delete this.manifest.docs[id];
      this.manifest.segments[segment] = Math.max(0, (this.manifest.segments[segment] ?? 1) - 1);
      // A segment that isn't loaded can't be rewritten: the manifest alone forgets the message
      // (a query drops what the manifest doesn't name); the caller loads segments first when it can.
      if (index) this.dirty.add(segment);
      this.manifestDirty = true;
    }
  }

  /** What changed since the last call: segments to write (null: now empty, delete it) and the manifest. */
  takeChanges(): { segments: { id: string; json: string | null }[]; manifest: string | null } {
    const segments = [...this.dirty].map((id) => {
      const empty = (this.manifest.segments[id] ?? 0) === 0;
      if (empty) {
        delete this.manifest.segments[id];
        this.indexes.delete(id);
        this.sizes.delete(id);
        return { id, json: null };
      }
      const json = JSON.stringify(this.indexes.get(id));
      this.sizes.set(id, json.length);
      return { id, json };
    });
    this.dirty.clear();
    this.evict();
    const manifest = this.manifestDirty || segments.length ? JSON.stringify(this.manifest) : null;
    this.manifestDirty = false;
    return { segments, manifest };
  }

  /** Every segment that is loaded: what tests and a fully cached index search. */
  search(query: SearchQuery, limit = 200): SearchHit[] {
    const run = new SearchRun(query, limit);
    for (const id of this.indexes.keys()) this.searchIn(id, run);
    return run.hits();
  }

  /** Offers one loaded segment's matches to the run; messages the manifest no longer names are left out. */
  searchIn(segment: string, run: SearchRun): void {
    const index = this.indexes.get(segment);
    if (!index) return;
    this.used.set(segment, ++this.clock);
    const { top, filter } = run;
    const { scorer } = run;
    scorer.score(index, run.scored, (shortId, score) => {
      // Most matches of a common word end here, before anything else about them is looked up.
      if (!top.mayTake(score)) return;
      const stored = storedFieldsOf(index, shortId) as StoredFields;
      if (filter && !filter(stored)) return;
      const id = documentIdOf(index, shortId);
      if (this.manifest.docs[id] !== segment) return;
      top.add({ id, score, date: stored.date, subject: stored.subject, from: stored.from, text: stored.text, terms: scorer.termsOf(shortId) });
    });
  }

  private openSegment(): string {
    for (const [id, count] of Object.entries(this.manifest.segments)) if (count < SEGMENT_SIZE && this.indexes.has(id)) return id;
    const id = this.newSegmentId();
    this.indexes.set(id, new MiniSearch<SearchDoc>(options));
    this.manifest.segments[id] = 0;
    return id;
  }
}

const ALL_FIELDS = FIELDS.map((name) => ({ name, boost: BOOST[name] }));

/**
 * The query as the scorer runs it: every part must match (AND). The free words and "quoted phrases"
 * are one part, matched in every field with its boost, the last free word also as a prefix; each
 * `from:`, `to:`, `subject:` and `filename:` value is a part of its own, matched as a prefix in its
 * field. No part at all (only filters such as `has:attachment`) is every message.
 */
export function scoredQuery(query: SearchQuery): ScoredQuery {
  const parts: TermSpec[][] = [];
  const words = [...query.words, ...query.phrases.flatMap((p) => p.split(' '))];
  if (words.length) {
    const terms = queryTerms(words.join(' '));
    parts.push(terms.map((term, i) => ({ term, prefix: i === terms.length - 1 && query.words.length > 0, fields: ALL_FIELDS })));
  }
  const field = (name: (typeof FIELDS)[number], values: string[]) => {
    for (const value of values) parts.push(queryTerms(value).map((term) => ({ term, prefix: true, fields: [{ name, boost: BOOST[name] }] })));
  };
  field('from', query.from);
  field('to', query.to);
  field('subject', query.subject);
  field('filenames', query.filename);
  return { parts: parts.length ? parts : null };
}

/**
 * One query over any number of segments: the MiniSearch query and the operator filter are built
 * once, and only the best `limit` matches (by score, then newest) are kept as the segments go by.
 */
export class SearchRun {
  readonly scored: ScoredQuery;
  readonly scorer = new Scorer();
  /** The operators only the stored fields can answer; null when there are none (no per-match check). */
  readonly filter: ((stored: StoredFields) => boolean) | null;
  readonly top: TopHits;

  constructor(
    readonly query: SearchQuery,
    limit: number,
  ) {
    this.scored = scoredQuery(query);
    this.top = new TopHits(limit);
    const filtering = query.hasAttachment || query.before !== null || query.after !== null || query.phrases.length > 0;
    this.filter = filtering
      ? (stored) =>
          (!query.hasAttachment || stored.hasAttachment) &&
          (query.before === null || stored.date < query.before) &&
          (query.after === null || stored.date >= query.after) &&
          query.phrases.every((phrase) => stored.text.includes(phrase))
      : null;
  }

  /** The kept matches, best first, each with its excerpt (cut here, for the hits shown only). */
  hits(): SearchHit[] {
    return this.top.ranked().map((hit) => ({
      id: hit.id,
      score: hit.score,
      date: hit.date,
      subject: hit.subject,
      from: hit.from,
      excerpt: excerptAround(hit.text, [...hit.terms, ...this.query.phrases]),
      terms: hit.terms,
    }));
  }
}

/** About 160 characters of the kept text around the first match. */
function excerptAround(text: string, terms: string[]): string {
  let at = -1;
  for (const term of earliestCandidates(terms)) {
    const found = text.indexOf(term);
    if (found !== -1 && (at === -1 || found < at)) at = found;
  }
  const start = Math.max(0, at - 60);
  return `${start > 0 ? '…' : ''}${text.slice(start, start + 160)}`;
}

/**
 * The terms whose first occurrence can be the earliest, lowercased: a term that starts with another
 * of them never occurs before it (wherever "reports" is, "report" is there too), so a prefix query's
 * many longer matches cost one search of the text, not one each.
 */
function earliestCandidates(terms: string[]): string[] {
  const kept: string[] = [];
  for (const term of terms.map((t) => t.toLowerCase()).sort((a, b) => a.length - b.length)) {
    if (term && !kept.some((shorter) => term.startsWith(shorter))) kept.push(term);
  }
  return kept;
}

/** Lowercased, whitespace collapsed, at most KEPT_TEXT characters. */
export function keptText(subject: string, body: string): string {
  return `${subject} ${body}`.toLowerCase().replace(/\s+/g, ' ').trim().slice(0, KEPT_TEXT);
}
