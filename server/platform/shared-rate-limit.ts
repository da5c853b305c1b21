import 'server-only';
import type { Db } from '../../db/client';
import { leaseTokens } from '../../db/repositories/rate-bucket.repository';
import { AppError } from '../errors';

/** What the API and SMTP submission ask before serving a key's request. */
export interface RateLimiter {
  /** 0 when the request may go ahead (a token is taken), else the seconds until one is free. */
  take(keyId: string, perMinute: number): number | Promise<number>;
}

/** Leased tokens a node didn't use are dropped after this long, so an idle node hoards nothing. */
const LEASE_TTL_MS = 5_000;

interface Lease {
  tokens: number;
  expiresAt: number;
  /** While the database says the bucket is empty: 429 locally until then, without asking again. */
  emptyUntil: number;
  /** Requests waiting for the lease in flight: it asks for at least this many. */
  waiting: number;
  refill?: Promise<void>;
}

/**
 * A key's rate limit across every node that shares the database. The bucket (capacity: the
 * per-minute rate; refill: rate/60 a second) lives in one row per key, api_key_rate_buckets. A
 * request doesn't touch it: a node leases tokens in blocks of one second's worth of the rate (at
 * least 1, or as many as requests are waiting for it) with one atomic UPDATE, serves requests
 * from the block, and leases again when it runs out. So a key sending 1,000 requests a second costs about one UPDATE a second per node.
 *
 * Precision: every admitted request spent a token from the shared bucket, so across all nodes a
 * key never gets more than its rate. The error is the other way: a block leased to one node and
 * not yet used (at most one second's worth of the rate, dropped after 5 s) isn't available to the
 * others, so a key spread over several nodes may be refused a little before its full rate. Keys
 * with a low rate (under 60 a minute) lease one token at a time, which is exact.
 */
export class SharedKeyRateLimiter implements RateLimiter {
  private readonly leases = new Map<string, Lease>();

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  async take(keyId: string, perMinute: number): Promise<number> {
    let lease = this.leases.get(keyId);
    if (!lease) {
      lease = { tokens: 0, expiresAt: 0, emptyUntil: 0, waiting: 0 };
      this.leases.set(keyId, lease);
    }
    // Each lease either grants a token (someone goes ahead) or marks the bucket empty (everyone
    // waiting gets 429), so this loop ends.
    for (;;) {
      const now = this.now();
      if (now >= lease.expiresAt) lease.tokens = 0;
      if (lease.tokens >= 1) {
        lease.tokens -= 1;
        return 0;
      }
      if (now < lease.emptyUntil) return Math.max(1, Math.ceil((lease.emptyUntil - now) / 1000));
      // One lease at a time per key, asking for enough for every request waiting on it.
      lease.waiting++;
      lease.refill ??= this.refill(keyId, lease, perMinute).finally(() => {
        lease.refill = undefined;
      });
      try {
        await lease.refill;
      } finally {
        lease.waiting--;
      }
    }
  }

  private async refill(keyId: string, lease: Lease, perMinute: number): Promise<void> {
    const perSecond = perMinute / 60;
    let result: { granted: number; left: number };
    try {
      result = await leaseTokens(this.db, keyId, perMinute, perSecond, Math.max(1, Math.ceil(perSecond), lease.waiting));
    } catch (err) {
      // The key was deleted (its bucket can't refer to it): as good as revoked.
      if ((err as { code?: string }).code === '23503') throw new AppError('UNAUTHORIZED', 'That API key is not valid or has been revoked.');
      throw err;
    }
    const now = this.now();
    lease.tokens += result.granted;
    lease.expiresAt = now + LEASE_TTL_MS;
    // Empty: the next whole token arrives in (1 - left) / perSecond seconds.
    lease.emptyUntil = result.granted > 0 ? 0 : now + Math.max(1, ((1 - result.left) / perSecond) * 1000);
  }
}
