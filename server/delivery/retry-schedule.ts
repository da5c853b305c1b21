/**
 * When a deferred recipient (4xx reply, timeout, unreachable host) is tried again. Exponential
 * backoff from 5 minutes, doubling up to 4 hours between tries, for at most 5 days from the first
 * try (RFC 5321 4.5.4.1 suggests giving up after 4-5 days); then the recipient bounces with 4.4.7.
 * Deterministic: no jitter, so a test can name every time in the schedule.
 */
export const FIRST_RETRY_MS = 5 * 60 * 1000;
export const MAX_RETRY_INTERVAL_MS = 4 * 60 * 60 * 1000;
export const QUEUE_LIFETIME_MS = 5 * 24 * 60 * 60 * 1000;

/** The wait after the `attempts`-th failed try (1 = after the first try). */
export function retryDelayMs(attempts: number): number {
  const exponent = Math.max(0, Math.min(attempts - 1, 30));
  return Math.min(FIRST_RETRY_MS * 2 ** exponent, MAX_RETRY_INTERVAL_MS);
}

/** The next try after `attempts` failed ones, or null when it would fall after `expiresAt`. */
export function nextAttemptAt(now: Date, attempts: number, expiresAt: Date): Date | null {
  const next = new Date(now.getTime() + retryDelayMs(attempts));
  return next.getTime() > expiresAt.getTime() ? null : next;
}

/** The first try of a recipient gives it until this time. */
export function expiryFrom(firstTry: Date): Date {
  return new Date(firstTry.getTime() + QUEUE_LIFETIME_MS);
}
