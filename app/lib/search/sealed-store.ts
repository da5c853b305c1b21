/**
 * The index at rest in this browser: IndexedDB records of AES-GCM ciphertext under the index key
 * (a fresh 12-byte IV per write, the segment id as associated data, so a record can't be swapped
 * for another). Without the key, which lives only in memory, the records are noise. Runs in the
 * search Worker.
 */
const STORE = 'segments';

export interface StoredSegment {
  id: string;
  /** The server's version of this segment when it was last in step with it; 0 if never uploaded. */
  version: number;
  data: Uint8Array;
}

export async function importIndexKey(raw: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', raw as Uint8Array<ArrayBuffer>, 'AES-GCM', false, ['encrypt', 'decrypt']);
}

export async function seal(key: CryptoKey, id: string, plaintext: string): Promise<Uint8Array> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(id) }, key, new TextEncoder().encode(plaintext)),
  );
  const out = new Uint8Array(12 + sealed.length);
  out.set(iv);
  out.set(sealed, 12);
  return out;
}

/** The plaintext, or null when the record was not sealed under this key for this id. */
export async function open(key: CryptoKey, id: string, data: Uint8Array): Promise<string | null> {
  try {
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: data.slice(0, 12), additionalData: new TextEncoder().encode(id) }, key, data.slice(12));
    return new TextDecoder().decode(plain);
  } catch {
    // A record under another key (an older index, another user) or damaged: treated as absent.
    return null;
  }
}

/** A name for this user's database that says nothing about the user: a hash of the index key. */
export async function databaseName(raw: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array([...new TextEncoder().encode('sealpost-search-db:'), ...raw])));
  return `sealpost-search-${[...digest.slice(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export function openDatabase(name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'id' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB did not open'));
  });
}

function run<T>(db: IDBDatabase, mode: IDBTransactionMode, body: (store: IDBObjectStore) => IDBRequest<T> | undefined): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const request = body(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(request?.result);
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB write failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB write aborted'));
  });
}

export const readIds = async (db: IDBDatabase) => ((await run(db, 'readonly', (s) => s.getAllKeys() as IDBRequest<IDBValidKey[]>)) ?? []).map(String);
export const readOne = async (db: IDBDatabase, id: string) => (await run(db, 'readonly', (s) => s.get(id) as IDBRequest<StoredSegment | undefined>)) ?? null;
export const write = (db: IDBDatabase, segment: StoredSegment) => run(db, 'readwrite', (s) => s.put(segment) as IDBRequest<unknown>);
export const remove = (db: IDBDatabase, id: string) => run(db, 'readwrite', (s) => s.delete(id) as IDBRequest<unknown>);
