/** Delay before retry number `failures` (0-based): doubling from firstMs, capped at maxMs. */
export function backoffDelay(failures: number, firstMs: number, maxMs: number): number {
  return Math.min(maxMs, firstMs * 2 ** Math.min(failures, 30));
}
