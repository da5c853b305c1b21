import { SearchEngine, SearchRun } from './engine';
import { databaseName, importIndexKey, open, openDatabase, readIds, readOne, remove, seal, write } from './sealed-store';
import type { SearchOps } from './protocol';

type Async<T> = { [K in keyof T]: T[K] extends (...a: infer A) => infer R ? (...a: A) => Promise<R> : never };

const MANIFEST = 'manifest';
const randomId = () => [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');

/** The search Worker's state: the key, the engine, the local database. Plain module, for tests too. */
export function createSearchState(): Async<SearchOps> {
  let key: CryptoKey | null = null;
  let db: IDBDatabase | null = null;
  let engine = new SearchEngine(randomId);
  let versions: Record<string, number> = {};

  const need = () => {
    if (!key || !db) throw new Error('The search index is not open.');
    return { key, db };
  };

  const loadPlain = (id: string, plain: string) => {
    if (id === MANIFEST) engine.loadManifest(plain);
    else engine.loadSegment(id, plain);
  };

  /** A segment the memory bound dropped, read back from IndexedDB and decrypted; false if there is none. */
  const loadLocal = async (id: string): Promise<boolean> => {
    const { key: k, db: d } = need();
    const stored = await readOne(d, id);
    const plain = stored ? await open(k, id, stored.data) : null;
    if (plain === null) return false;
    engine.loadSegment(id, plain);
    return true;
  };

  return {
    async open({ key: raw }) {
      key = await importIndexKey(raw);
      db = await openDatabase(await databaseName(raw));
      engine = new SearchEngine(randomId);
      versions = {};
      // The manifest first: it says which segments belong. Then one record at a time, decrypted
      // while the memory bound has room; the rest is read back when a query needs it.
      const ids = (await readIds(db)).sort((a, b) => (a === MANIFEST ? -1 : b === MANIFEST ? 1 : 0));
      for (const id of ids) {
        const segment = await readOne(db, id);
        if (!segment) continue;
        if (id !== MANIFEST && engine.cachedChars() >= engine.cacheBound) {
          versions[id] = segment.version;
          continue;
        }
        const plain = await open(key, id, segment.data);
        if (plain === null) continue;
        loadPlain(id, plain);
        versions[id] = segment.version;
      }
      return { indexed: engine.size, versions };
    },

    async loadRemote({ segments }) {
      const { key: k, db: d } = need();
      const unreadable: string[] = [];
      const ordered = [...segments].sort((a, b) => (a.id === MANIFEST ? -1 : b.id === MANIFEST ? 1 : 0));
      for (const segment of ordered) {
        const plain = await open(k, segment.id, segment.ciphertext);
        if (plain === null) {
          unreadable.push(segment.id);
          continue;
        }
        loadPlain(segment.id, plain);
        versions[segment.id] = segment.version;
        await write(d, { id: segment.id, version: segment.version, data: segment.ciphertext });
      }
      return { indexed: engine.size, unreadable };
    },

    async add({ docs }) {
      engine.add(docs);
      return { indexed: engine.size };
    },

    async remove({ ids }) {
      for (const segment of engine.segmentsOf(ids)) if (!engine.isLoaded(segment)) await loadLocal(segment);
      engine.remove(ids);
      return { indexed: engine.size };
    },

    async flush() {
      const { key: k, db: d } = need();
      const changes = engine.takeChanges();
      const out: { id: string; ciphertext: Uint8Array | null }[] = [];
      const all = [...changes.segments, ...(changes.manifest ? [{ id: MANIFEST, json: changes.manifest }] : [])];
      for (const change of all) {
        if (change.json === null) {
          await remove(d, change.id);
          delete versions[change.id];
          out.push({ id: change.id, ciphertext: null });
          continue;
        }
        const sealed = await seal(k, change.id, change.json);
        await write(d, { id: change.id, version: versions[change.id] ?? 0, data: sealed });
        out.push({ id: change.id, ciphertext: sealed });
      }
      return { segments: out };
    },

    async setVersions({ versions: next }) {
      Object.assign(versions, next);
      return { status: 'ok' as const };
    },

    async versions() {
      return { versions: { ...versions } };
    },

    async indexedIds() {
      return { ids: engine.indexedIds() };
    },

    async search({ query, limit }) {
      // Segment by segment: one the memory bound dropped is read back (and may push out another).
      const run = new SearchRun(query, limit);
      for (const segment of engine.segmentIds()) {
        if (!engine.isLoaded(segment) && !(await loadLocal(segment))) continue;
        engine.searchIn(segment, run);
      }
      return { hits: run.hits() };
    },

    async close() {
      key = null;
      db?.close();
      db = null;
      engine = new SearchEngine(randomId);
      versions = {};
      return { status: 'ok' as const };
    },
  };
}
