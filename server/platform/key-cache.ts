import 'server-only';
import type { ApiPrincipal } from './api-keys';

/**
 * API keys this process has checked, by the HMAC of their secret, so a request costs a hash and a
 * map look-up instead of a database round trip. An entry is trusted for `ttlMs` (5 s): a key revoked
 * (or a domain deleted) on another node stops working here within that time. A revocation made in
 * this process (the web role's settings page, the API's own node) drops the entry at once.
 * Unknown keys are remembered as unknown for the same time, so a client hammering with a bad key
 * costs one query per 5 s rather than one per request. Bounded: the oldest entries go first.
 */
export interface KeyCacheEntry {
  principal: ApiPrincipal | null;
  lastUsedAt: number;
  checkedAt: number;
}

export const KEY_CACHE_TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

export class ApiKeyCache {
  private readonly entries = new Map<string, KeyCacheEntry>();

  constructor(private readonly ttlMs = KEY_CACHE_TTL_MS) {}

  /** A fresh entry for this hash, or undefined when the database must be asked. */
  get(hash: string, now: number): KeyCacheEntry | undefined {
    const entry = this.entries.get(hash);
    if (!entry) return undefined;
    if (now - entry.checkedAt >= this.ttlMs) {
      this.entries.delete(hash);
      return undefined;
    }
    return entry;
  }

  set(hash: string, entry: KeyCacheEntry): void {
    this.entries.delete(hash);
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(hash, entry);
  }

  /** Drops every entry of a key (revoked here): its next request asks the database. */
  forget(keyId: string): void {
    for (const [hash, entry] of this.entries) if (entry.principal?.keyId === keyId) this.entries.delete(hash);
  }

  clear(): void {
    this.entries.clear();
  }
}

/**
 * The process's cache: the API handler, SMTP submission and revocation share it. Kept on
 * globalThis because the web role's tRPC handlers (where keys are revoked) run from Next's bundle,
 * which has its own copy of this module, while /api/v1 is served in front of Next.
 */
const CACHE = Symbol.for('sealpost.apiKeyCache');
const holder = globalThis as { [CACHE]?: ApiKeyCache };
export const apiKeyCache: ApiKeyCache = (holder[CACHE] ??= new ApiKeyCache());
