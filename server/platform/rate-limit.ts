import 'server-only';

/**
 * A token bucket per API key, in this process: a key may burst up to its per-minute rate and refills
 * at rate/60 per second. Each web (or smtp) node keeps its own buckets, so behind N nodes a key's
 * ceiling is N times its rate; the rate still bounds what one client can push through one node.
 */
export class KeyRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** 0 when the request may go ahead (a token is taken), else the seconds until one is free. */
  take(keyId: string, perMinute: number, cost = 1): number {
    const now = this.now();
    const perMs = perMinute / 60_000;
    const bucket = this.buckets.get(keyId) ?? { tokens: perMinute, at: now };
    bucket.tokens = Math.min(perMinute, bucket.tokens + (now - bucket.at) * perMs);
    bucket.at = now;
    this.buckets.set(keyId, bucket);
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      return 0;
    }
    return Math.max(1, Math.ceil((cost - bucket.tokens) / perMs / 1000));
  }
}
