/// <reference lib="webworker" />
import type { SearchRequest } from './protocol';
import { createSearchState } from './search-state';

/** The search Worker: the index key and the plaintext index live only here. One request at a time. */
const state = createSearchState();
let queue: Promise<unknown> = Promise.resolve();

self.onmessage = (event: MessageEvent<SearchRequest>) => {
  const { id, op, input } = event.data;
  queue = queue.then(async () => {
    try {
      const result = await (state[op] as (input: unknown) => Promise<unknown>)(input);
      self.postMessage({ id, ok: true, result });
    } catch (err) {
      self.postMessage({ id, ok: false, error: err instanceof Error ? err.message : 'search failed' });
    }
  });
};
