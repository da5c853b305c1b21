import type { SearchDoc, SearchHit } from './engine';
import type { SearchQuery } from './query';

/** The messages between the page and the search Worker. Segments cross as ciphertext only. */
export interface SearchOps {
  /** Opens this user's local index with the index key; answers with what it holds. */
  open(input: { key: Uint8Array }): { indexed: number; versions: Record<string, number> };
  /** Segments from the server (ciphertext): loaded and kept locally; the manifest first. */
  loadRemote(input: { segments: { id: string; version: number; ciphertext: Uint8Array }[] }): { indexed: number; unreadable: string[] };
  add(input: { docs: SearchDoc[] }): { indexed: number };
  remove(input: { ids: string[] }): { indexed: number };
  /** Seals what changed, stores it locally, and hands it over for upload (null: delete it). */
  flush(): { segments: { id: string; ciphertext: Uint8Array | null }[] };
  /** Records the server's version of segments just uploaded. */
  setVersions(input: { versions: Record<string, number> }): { status: 'ok' };
  indexedIds(): { ids: string[] };
  /** The server version each local segment was last in step with. */
  versions(): { versions: Record<string, number> };
  search(input: { query: SearchQuery; limit: number }): { hits: SearchHit[] };
  /** Sign-out: forget the key and the index in memory (the sealed records stay, unreadable). */
  close(): { status: 'ok' };
}

export type SearchOp = keyof SearchOps;
export type SearchRequest<K extends SearchOp = SearchOp> = { id: number; op: K; input: Parameters<SearchOps[K]>[0] };
export type SearchResponse = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
