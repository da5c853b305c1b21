'use client';
import { type KeyOp, type KeyOps, type KeyProgress, type KeyResponse, keyErrorFrom } from './protocol';

export { KeyError, type KeyErrorCode } from './protocol';

/**
 * The page's handle on the key Worker (the way Proton's CryptoProxy fronts its workers). One Worker
 * per tab; a reload starts a new, locked one, which `resume` unlocks from the session blob. A
 * failed call rejects with a KeyError whose `code` the UI can switch on.
 */
let worker: Worker | null = null;
let nextId = 1;
const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; onProgress?: (p: string) => void }>();

function getWorker(): Worker {
  if (!worker) {
    worker = new Worker(new URL('./key.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<KeyResponse | KeyProgress>) => {
      const message = event.data;
      const entry = waiting.get(message.id);
      if (!entry) return;
      if ('progress' in message) return entry.onProgress?.(message.progress);
      waiting.delete(message.id);
      if (message.ok) entry.resolve(message.result);
      else entry.reject(keyErrorFrom(message.error));
    };
  }
  return worker;
}

export function callKeys<K extends KeyOp>(op: K, input: Parameters<KeyOps[K]>[0], onProgress?: (step: string) => void): Promise<ReturnType<KeyOps[K]>> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve: resolve as (v: unknown) => void, reject, onProgress });
    getWorker().postMessage({ id, op, input });
  });
}

const SESSION_BLOB = 'sealpost.session';

/** sessionStorage holds wrapKey sealed under the server's per-session key: useless once revoked. */
export const sessionBlob = {
  save: (blob: string) => sessionStorage.setItem(SESSION_BLOB, blob),
  load: () => sessionStorage.getItem(SESSION_BLOB),
  clear: () => sessionStorage.removeItem(SESSION_BLOB),
};
