import { promises as dns } from 'node:dns';

/**
 * The DNS lookup function that mail authentication (and later domain verification) uses, shaped
 * like `dns.promises.resolve`. Injected everywhere, so tests and the benchmark point it at a real
 * DNS server on loopback instead of the network.
 */
export type DnsResolver = (name: string, rrtype: string) => Promise<unknown>;

export const DNS_TIMEOUT_MS = 2_000;

export interface DnsResolverOptions {
  timeoutMs?: number;
  /**
   * Keep answers (and "no such name / no such record") this long. Mail arrives in bursts from the
   * same few domains, and SPF plus DMARC cost two lookups per message. Off by default: domain
   * verification wants every answer fresh. Failures (timeouts, SERVFAIL) are never kept.
   */
  cacheMs?: number;
  /** Most entries kept; the oldest goes first. */
  cacheEntries?: number;
  /** Milliseconds since the epoch; injected by tests. */
  now?: () => number;
}

/** Answers that mean "this doesn't exist": as cacheable as a record (RFC 2308). */
const NEGATIVE = new Set(['ENOTFOUND', 'ENODATA']);

/**
 * `servers` are IP[:port] entries (DNS_SERVERS); empty means the system's resolvers. One try with a
 * short timeout: an SMTP client waits for our reply, and SPF alone may need ten lookups.
 */
export function createDnsResolver(servers: string[] = [], options: DnsResolverOptions = {}): DnsResolver {
  const resolver = new dns.Resolver({ timeout: options.timeoutMs ?? DNS_TIMEOUT_MS, tries: 1 });
  if (servers.length > 0) resolver.setServers(servers);
  const lookup: DnsResolver = (name, rrtype) => resolver.resolve(name, rrtype);
  if (!options.cacheMs) return lookup;
  return withCache(lookup, options.cacheMs, options.cacheEntries ?? 10_000, options.now ?? Date.now);
}

function withCache(lookup: DnsResolver, ttlMs: number, maxEntries: number, clock: () => number): DnsResolver {
  // Promises are kept, so concurrent lookups of one name share a single query.
  const cache = new Map<string, { expires: number; answer: Promise<unknown> }>();
  return (name, rrtype) => {
    const key = `${rrtype} ${name.toLowerCase()}`;
    const now = clock();
    const hit = cache.get(key);
    // A copy each time: a caller that changes its answer must not change the next caller's.
    if (hit && hit.expires > now) return hit.answer.then(structuredClone);
    if (hit) cache.delete(key);
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
    const answer = lookup(name, rrtype);
    cache.set(key, { expires: now + ttlMs, answer });
    answer.catch((err: { code?: string }) => {
      if (!NEGATIVE.has(err?.code ?? '') && cache.get(key)?.answer === answer) cache.delete(key);
    });
    return answer.then(structuredClone);
  };
}
