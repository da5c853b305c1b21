import type { ImportState } from './import-mail';
import type { FilePosition } from './sources';

/**
 * Where an import got to, in IndexedDB, keyed by a hash of the account and the files (sources.ts's
 * filesFingerprint): after a reload, picking the same files again resumes there. It holds counts
 * and a byte offset, nothing of the mail.
 */
const DB_NAME = 'sealpost-import';
const STORE = 'positions';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB is not available'));
  });
}

async function run<T>(mode: IDBTransactionMode, action: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const request = action(db.transaction(STORE, mode).objectStore(STORE));
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
    });
  } finally {
    db.close();
  }
}

export type SavedImport = ImportState<FilePosition> & { finished: boolean };

export const importPositions = {
  load: (key: string) => run<SavedImport | undefined>('readonly', (store) => store.get(key) as IDBRequest<SavedImport | undefined>),
  save: (key: string, value: SavedImport) => run('readwrite', (store) => store.put(value, key)).then(() => undefined),
  clear: (key: string) => run('readwrite', (store) => store.delete(key)).then(() => undefined),
};
