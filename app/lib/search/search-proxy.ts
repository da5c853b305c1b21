'use client';
import type { SearchOp, SearchOps, SearchResponse } from './protocol';

/** The page's handle on the search Worker; it also counts the requests it sends (see indexer stats). */
let worker: Worker | null = null;
let nextId = 1;
const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

function getWorker(): Worker {
  if (!worker) {
    worker = new Worker(new URL('./search.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<SearchResponse>) => {
      const entry = waiting.get(event.data.id);
      if (!entry) return;
      waiting.delete(event.data.id);
      if (event.data.ok) entry.resolve(event.data.result);
      else entry.reject(new Error(event.data.error));
    };
  }
  return worker;
}

export function callSearch<K extends SearchOp>(op: K, input: Parameters<SearchOps[K]>[0]): Promise<ReturnType<SearchOps[K]>> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
    getWorker().postMessage({ id, op, input });
  });
}

/** Sign-out: the Worker goes, and with it the key and the index in memory. */
export function stopSearchWorker(): void {
  worker?.terminate();
  worker = null;
  for (const entry of waiting.values()) entry.reject(new Error('signed out'));
  waiting.clear();
}
