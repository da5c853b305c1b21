'use client';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useSyncExternalStore } from 'react';
import { useMailCounts } from '../mail/use-mail';
import { useTRPCClient } from '../trpc';
import type { SearchHit } from './engine';
import { searchIndexer } from './indexer';
import { isEmptyQuery, parseQuery } from './query';
import { callSearch } from './search-proxy';

/** Starts the indexer with the mailbox, and brings it up to date whenever the counts change (new mail, moves, deletions). */
export function useSearchIndexer() {
  const client = useTRPCClient();
  const counts = useMailCounts();
  useEffect(() => {
    searchIndexer.start(client);
  }, [client]);
  useEffect(() => {
    if (counts.dataUpdatedAt) void searchIndexer.refresh();
  }, [counts.dataUpdatedAt]);
}

export function useSearchStatus() {
  return useSyncExternalStore(searchIndexer.subscribe, searchIndexer.status, searchIndexer.status);
}

/** The text in the search box, shared by the box and the mailbox. */
let text = '';
const listeners = new Set<() => void>();
export const searchText = {
  get: () => text,
  set(next: string) {
    text = next;
    for (const listener of listeners) listener();
  },
  subscribe(listener: () => void) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

export function useSearchText(): [string, (next: string) => void] {
  return [useSyncExternalStore(searchText.subscribe, searchText.get, () => ''), searchText.set];
}

export type SearchOrder = 'relevance' | 'newest';
export type SearchResult = SearchHit & { folder: string; seen: boolean };

/** Runs a query in the Worker, then applies what only the live catalog knows: folder, read state, deletion. */
export function useSearchResults(input: string, order: SearchOrder) {
  const status = useSearchStatus();
  const query = parseQuery(input);
  return useQuery({
    queryKey: ['sealpost-decrypted', 'search', input, order, status.done],
    enabled: !isEmptyQuery(query) && status.phase !== 'idle' && status.phase !== 'opening',
    staleTime: Infinity,
    gcTime: 30_000,
    queryFn: async () => {
      const started = performance.now();
      // 200 are shown; more are asked for only when in: or is: will drop some of them here.
      const { hits } = await callSearch('search', { query, limit: query.folder || query.unread ? 500 : 200 });
      const catalog = searchIndexer.catalog();
      const results: SearchResult[] = [];
      for (const hit of hits) {
        const live = catalog.get(hit.id);
        if (!live) continue;
        if (query.folder && live.folder !== query.folder) continue;
        if (query.unread && live.seen) continue;
        results.push({ ...hit, folder: live.folder, seen: live.seen });
      }
      if (order === 'newest') results.sort((a, b) => b.date - a.date);
      return { results: results.slice(0, 200), problems: query.problems, ms: performance.now() - started };
    },
  });
}
