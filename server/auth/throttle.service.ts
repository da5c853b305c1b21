import 'server-only';
import type { Db } from '../../db/client';
import { clearCounter, decrementCounter, incrementCounter, readCounters } from '../../db/repositories/throttle.repository';
import type { Clock } from '../clock';
import { AppError } from '../errors';

/**
 * Sign-in limits, counted in PostgreSQL so every web node sees the same counts (fixed windows):
 * - per (username, client): a client that keeps guessing one username is stopped for the window;
 * - per client: one that sprays many usernames is stopped too;
 * - per username, from anyone: past a few failures, every sign-in to it needs a proof of work.
 *   Nobody is locked out by someone else's failures: the owner solves the challenge and gets in.
 * "Client" is the address the web role resolved (server/net/client-address.ts).
 */
export const THROTTLE = {
  windowMs: 15 * 60 * 1000,
  perPair: 5,
  perIp: 20,
  challengeAfter: 3,
};

/** Limits on what anyone may ask before signing in, per client. */
export const RATE_LIMITS = {
  usernameAvailable: { windowMs: 60 * 1000, limit: 30, message: 'Too many username checks.' },
  register: { windowMs: 60 * 60 * 1000, limit: 5, message: 'Too many accounts created from your network.' },
  // Making a challenge costs the server one key derivation.
  challenge: { windowMs: 10 * 60 * 1000, limit: 60, message: 'Too many attempts.' },
} as const;
export type RateLimitName = keyof typeof RATE_LIMITS;

const client = (ip: string | null) => ip ?? 'unknown';

export const throttleKeys = (username: string, ip: string | null) => ({
  pair: `login:pair:${client(ip)}:${username}`,
  ip: `login:ip:${client(ip)}`,
  user: `login:user:${username}`,
});

export function retryMessage(until: Date, now: Date, what = 'Too many sign-in attempts.'): string {
  const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60000));
  return `${what} Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
}

const throttled = (until: Date, now: Date, what?: string) => new AppError('THROTTLED', retryMessage(until, now, what), { retryAt: until.toISOString() });

/**
 * Counts this attempt against the client's limits up front, in one statement each, so parallel
 * attempts can't all slip under a limit before any of them fails. Throws THROTTLED when the client
 * is over a limit for `username`; otherwise says whether a sign-in to it needs a proof of work.
 * The caller settles the attempt: `noteFailure`, `noteSuccess`, or `refundAttempt` when the
 * password was never checked.
 */
export async function checkSignInLimits(db: Db, clock: Clock, username: string, ip: string | null): Promise<{ challengeRequired: boolean }> {
  const now = clock.now();
  const keys = throttleKeys(username, ip);
  for (const [key, limit] of [
    [keys.pair, THROTTLE.perPair],
    [keys.ip, THROTTLE.perIp],
  ] as const) {
    const counter = await incrementCounter(db, key, now, THROTTLE.windowMs);
    if (counter.count > limit) throw throttled(counter.windowEndsAt, now);
  }
  return { challengeRequired: await challengeRequired(db, clock, username) };
}

export async function challengeRequired(db: Db, clock: Clock, username: string): Promise<boolean> {
  const key = throttleKeys(username, null).user;
  const counts = await readCounters(db, [key], clock.now(), THROTTLE.windowMs);
  return (counts.get(key)?.count ?? 0) >= THROTTLE.challengeAfter;
}

/** A wrong password: the client's attempt (already counted) stays counted, and the username's failures grow. */
export async function noteFailure(db: Db, clock: Clock, username: string): Promise<void> {
  await incrementCounter(db, throttleKeys(username, null).user, clock.now(), THROTTLE.windowMs);
}

/** An attempt refused before its password was checked (no proof of work) doesn't count against the client. */
export async function refundAttempt(db: Db, username: string, ip: string | null): Promise<void> {
  const keys = throttleKeys(username, ip);
  await decrementCounter(db, keys.pair);
  await decrementCounter(db, keys.ip);
}

/**
 * The owner got in: this client's guesses at the name are forgiven and this attempt is not counted
 * against the client. The username's count stays, so a guesser still pays.
 */
export async function noteSuccess(db: Db, username: string, ip: string | null): Promise<void> {
  const keys = throttleKeys(username, ip);
  await clearCounter(db, keys.pair);
  await decrementCounter(db, keys.ip);
}

/** Counts one request against a per-client limit; THROTTLED once it is over. */
export async function consumeRateLimit(db: Db, clock: Clock, name: RateLimitName, ip: string | null): Promise<void> {
  const { windowMs, limit, message } = RATE_LIMITS[name];
  const now = clock.now();
  const counter = await incrementCounter(db, `rate:${name}:${client(ip)}`, now, windowMs);
  if (counter.count > limit) throw throttled(counter.windowEndsAt, now, message);
}
