'use client';
import type { ParseResult } from './parse-message';

/**
 * The page's handle on the MIME Worker. A parse that takes longer than its budget gets the Worker
 * terminated (the only way to stop runaway work) and a tagged failure; the next call starts afresh.
 */
const PARSE_BUDGET_MS = 15_000;

let worker: Worker | null = null;
let nextId = 1;
const waiting = new Map<number, { resolve: (result: ParseResult) => void; timer: ReturnType<typeof setTimeout> }>();

function settle(id: number, result: ParseResult) {
  const entry = waiting.get(id);
  if (!entry) return;
  waiting.delete(id);
  clearTimeout(entry.timer);
  entry.resolve(result);
}

/** Stops the Worker; everything it was working on fails with `reason`. */
function restart(reason: string) {
  worker?.terminate();
  worker = null;
  for (const id of [...waiting.keys()]) settle(id, { status: 'parse-failed', reason });
}

function getWorker(): Worker {
  if (!worker) {
    worker = new Worker(new URL('./mime.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<{ id: number; result: ParseResult }>) => settle(event.data.id, event.data.result);
    worker.onerror = () => restart('worker error');
  }
  return worker;
}

export function parseInWorker(raw: Uint8Array, budgetMs = PARSE_BUDGET_MS): Promise<ParseResult> {
  return new Promise((resolve) => {
    const id = nextId++;
    waiting.set(id, { resolve, timer: setTimeout(() => restart('timeout'), budgetMs) });
    getWorker().postMessage({ id, raw });
  });
}
