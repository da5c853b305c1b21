import type MiniSearch from 'minisearch';
import type { Query, SearchOptions } from 'minisearch';

/**
 * MiniSearch's own matching and BM25 scoring, without the step after it. `MiniSearch.search()`
 * builds a result object for every match (its stored fields copied in, its matched terms listed)
 * and sorts them all; a common word matches every message of a segment, and the engine shows only
 * the best few hundred of all segments. So the engine takes the scored matches from here and builds
 * hits only for the ones that make the cut (see TopHits).
 *
 * These members are private in MiniSearch's types, so the version is pinned in package.json and
 * minisearch-raw.test.ts checks that what this returns is what `search()` returns, score for score.
 */
export interface RawMatch {
  /** The score before MiniSearch multiplies it by how many query terms matched (see scoreOf). */
  score: number;
  /** The query terms that matched. */
  terms: string[];
  /** Index term → the fields it matched in: its keys are what `search()` calls `terms`. */
  match: Record<string, string[]>;
}

interface Internals {
  executeQuery(query: Query, options: SearchOptions): Map<number, RawMatch>;
  _documentIds: Map<number, unknown>;
  _storedFields: Map<number, Record<string, unknown> | undefined>;
}

const internals = <T>(index: MiniSearch<T>) => index as unknown as Internals;

/** Every match of `query` by MiniSearch's short document id; unsorted. */
export function rawMatches<T>(index: MiniSearch<T>, query: Query, options: SearchOptions): Map<number, RawMatch> {
  return internals(index).executeQuery(query, options);
}

/** The score `search()` gives a match: more matched query terms rank higher. */
export const scoreOf = (match: RawMatch) => match.score * (match.terms.length || 1);

export const documentId = <T>(index: MiniSearch<T>, shortId: number) => String(internals(index)._documentIds.get(shortId));

export const storedFields = <T>(index: MiniSearch<T>, shortId: number) => internals(index)._storedFields.get(shortId) ?? {};
