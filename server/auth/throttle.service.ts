import type { Db } from '../../db/client';
import { clearFailures, findLocks, recordFailure } from '../../db/repositories/throttle.repository';
import type { Clock } from '../clock';
import { AppError } from '../errors';

/**
 * Sign-in throttling per username and per IP: fixed windows, counted in the database so every web
 * node sees the same counts. The limits are generous for people and tight for scripts.
 */
export const THROTTLE = {
  windowMs: 15 * 60 * 1000,
  perUsername: 5,
  perIp: 20,
};

export const throttleKeys = (username: string, ip: string | null) => ({
  user: `login:user:${username}`,
  ip: `login:ip:${ip ?? 'unknown'}`,
});

export function retryMessage(until: Date, now: Date): string {
  const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60000));
  return `Too many sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
}

export async function assertNotThrottled(db: Db, clock: Clock, keys: string[]): Promise<void> {
  const now = clock.now();
  const until = await findLocks(db, keys, now);
  if (until) throw new AppError('THROTTLED', retryMessage(until, now), { retryAt: until.toISOString() });
}

export async function noteFailure(db: Db, clock: Clock, username: string, ip: string | null): Promise<void> {
  const keys = throttleKeys(username, ip);
  const now = clock.now();
  await recordFailure(db, keys.user, now, THROTTLE.windowMs, THROTTLE.perUsername);
  await recordFailure(db, keys.ip, now, THROTTLE.windowMs, THROTTLE.perIp);
}

export async function noteSuccess(db: Db, username: string): Promise<void> {
  await clearFailures(db, throttleKeys(username, null).user);
}
