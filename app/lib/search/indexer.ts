'use client';
import { fromBase64, toBase64 } from '@/crypto/encoding';
import { onForget, vaultSecret } from '../conversations/vault-secret';
import { openMessage } from '../mail/open-message';
import { openDeps } from '../mail/use-mail';
import type { TrpcClient } from '../trpc';
import { htmlToTextInPage, toSearchDoc } from './document';
import type { SearchDoc } from './engine';
import { callSearch, stopSearchWorker } from './search-proxy';

/**
 * Builds and keeps up the search index in this tab. First it takes what the server has (encrypted
 * segments another browser uploaded), then indexes only the messages no segment covers: in batches
 * of RAW_BATCH (decrypted in the key Worker, parsed in the MIME Worker, added in the search Worker,
 * plaintext dropped), sealing and uploading what changed every FLUSH_EVERY messages, so a reload
 * resumes where it stopped. New mail, moves and deletions: `refresh()` compares the index with the
 * server's catalog again.
 */
const RAW_BATCH = 25;
const FLUSH_EVERY = 200;
// Segments run to several MB each: two per request keeps responses bounded.
const REMOTE_BATCH = 2;

export interface IndexerStatus {
  phase: 'idle' | 'opening' | 'syncing' | 'indexing' | 'paused' | 'ready' | 'error';
  /** Messages in the index, and in the mailbox. */
  done: number;
  total: number;
  /** Messages this tab decrypted to index them (a second browser that synced decrypts none). */
  decryptedHere: number;
  error: string | null;
}

export interface CatalogEntry {
  folder: string;
  seen: boolean;
  receivedAt: string;
}

let status: IndexerStatus = { phase: 'idle', done: 0, total: 0, decryptedHere: 0, error: null };
const listeners = new Set<() => void>();
let catalog = new Map<string, CatalogEntry>();
let client: TrpcClient | null = null;
let running: Promise<void> | null = null;
let again = false;
let paused = false;
let resumeWaiter: (() => void) | null = null;
let generation = 0;

function set(next: Partial<IndexerStatus>) {
  status = { ...status, ...next };
  for (const listener of listeners) listener();
}

export const searchIndexer = {
  status: () => status,
  subscribe(listener: () => void) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  /** Live metadata (folder, read) of indexed messages, for in: and is:unread, and to drop deleted ones. */
  catalog: () => catalog,

  start(trpc: TrpcClient) {
    client = trpc;
    void this.refresh();
  },

  /** Brings the index up to date with the mailbox; runs once at a time, again if asked meanwhile. */
  refresh(): Promise<void> {
    if (!client) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    const mine = ++generation;
    running = (async () => {
      do {
        again = false;
        await update(client!, mine);
      } while (again && mine === generation);
    })()
      .catch((err: unknown) => {
        if (mine === generation) set({ phase: 'error', error: err instanceof Error ? err.message : 'Indexing failed.' });
      })
      .finally(() => {
        if (mine === generation) running = null;
      });
    return running;
  },

  pause() {
    paused = true;
    if (status.phase === 'indexing') set({ phase: 'paused' });
  },

  resume() {
    paused = false;
    if (status.phase === 'paused') set({ phase: 'indexing' });
    resumeWaiter?.();
    resumeWaiter = null;
  },

  /** Sign-out: the key and the in-memory index go; the sealed copy in IndexedDB can't be opened without the key. */
  stop() {
    generation++;
    running = null;
    client = null;
    catalog = new Map();
    stopSearchWorker();
    set({ phase: 'idle', done: 0, total: 0, decryptedHere: 0, error: null });
  },
};

async function update(trpc: TrpcClient, mine: number) {
  const live = () => mine === generation;
  if (status.phase === 'idle' || status.phase === 'error') {
    set({ phase: 'opening', error: null });
    const key = await vaultSecret(trpc, 'search-index');
    await callSearch('open', { key });
  }
  if (!live()) return;

  // 1. What other browsers uploaded and this one doesn't have.
  set({ phase: 'syncing' });
  const { versions } = await callSearch('versions', undefined);
  const remote = (await trpc.searchIndex.segments.query()).items;
  const wanted = remote.filter((s) => versions[s.id] !== s.version).map((s) => s.id);
  for (let i = 0; i < wanted.length && live(); i += REMOTE_BATCH) {
    const { items } = await trpc.searchIndex.getSegments.query({ ids: wanted.slice(i, i + REMOTE_BATCH) });
    await callSearch('loadRemote', { segments: items.map((s) => ({ id: s.id, version: s.version, ciphertext: fromBase64(s.ciphertext) })) });
  }

  // 2. The mailbox as it is now.
  const next = new Map<string, CatalogEntry>();
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<TrpcClient['searchIndex']['catalog']['query']>> = await trpc.searchIndex.catalog.query({ cursor });
    for (const item of page.items) next.set(item.id, { folder: item.folder, seen: item.seen, receivedAt: item.receivedAt });
    cursor = page.nextCursor;
  } while (cursor && live());
  if (!live()) return;
  catalog = next;

  // 3. Deleted mail leaves the index; mail not in it yet is indexed, newest first.
  const indexed = new Set((await callSearch('indexedIds', undefined)).ids);
  const gone = [...indexed].filter((id) => !next.has(id));
  if (gone.length) await callSearch('remove', { ids: gone });
  const todo = [...next.keys()].filter((id) => !indexed.has(id));
  let done = indexed.size - gone.length;
  set({ phase: todo.length ? (paused ? 'paused' : 'indexing') : 'ready', done, total: next.size });

  let sinceFlush = gone.length;
  for (let i = 0; i < todo.length && live(); i += RAW_BATCH) {
    if (paused) {
      await upload(trpc);
      sinceFlush = 0;
      await new Promise<void>((resolve) => {
        resumeWaiter = resolve;
      });
      if (!live()) return;
    }
    const { items } = await trpc.searchIndex.raw.query({ ids: todo.slice(i, i + RAW_BATCH) });
    // All of a batch at once: the key Worker decrypts one while the MIME Worker parses another.
    const docs: SearchDoc[] = [];
    await Promise.all(
      items.map(async (item) => {
        const opened = await openMessage(item.raw, openDeps);
        set({ decryptedHere: status.decryptedHere + 1 });
        if (opened.status === 'ok') docs.push(toSearchDoc(item.id, item.receivedAt, opened.message, htmlToTextInPage));
      }),
    );
    if (docs.length) await callSearch('add', { docs });
    done += items.length;
    sinceFlush += items.length;
    set({ done });
    if (sinceFlush >= FLUSH_EVERY) {
      await upload(trpc);
      sinceFlush = 0;
    }
  }
  if (!live()) return;
  await upload(trpc);
  set({ phase: 'ready', done: next.size, total: next.size });
}

/** Seals what changed (in the Worker) and uploads it; the server gets opaque ids and ciphertext. */
async function upload(trpc: TrpcClient) {
  const { segments } = await callSearch('flush', undefined);
  const versions: Record<string, number> = {};
  const deleted: string[] = [];
  for (const segment of segments) {
    if (segment.ciphertext === null) deleted.push(segment.id);
    else versions[segment.id] = (await trpc.searchIndex.putSegment.mutate({ id: segment.id, ciphertext: toBase64(segment.ciphertext) })).version;
  }
  if (deleted.length) await trpc.searchIndex.deleteSegments.mutate({ ids: deleted });
  if (Object.keys(versions).length) await callSearch('setVersions', { versions });
}

onForget.add(() => searchIndexer.stop());
