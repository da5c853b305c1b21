import { SearchEngine } from './engine';
import { databaseName, importIndexKey, open, openDatabase, readAll, remove, seal, write } from './sealed-store';
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

  return {
    async open({ key: raw }) {
      key = await importIndexKey(raw);
      db = await openDatabase(await databaseName(raw));
      engine = new SearchEngine(randomId);
      versions = {};
      const stored = await readAll(db);
      // The manifest first: it says which segments belong.
      stored.sort((a, b) => (a.id === MANIFEST ? -1 : b.id === MANIFEST ? 1 : 0));
      for (const segment of stored) {
        const plain = await open(key, segment.id, segment.data);
        if (plain === null) continue;
        loadPlain(segment.id, plain);
        versions[segment.id] = segment.version;
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
      const seen = new Set<string>();
      // Two browsers writing at once can leave a message in two segments: show it once.
      const hits = engine.search(query, limit * 2).filter((hit) => (seen.has(hit.id) ? false : (seen.add(hit.id), true)));
      return { hits: hits.slice(0, limit) };
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
