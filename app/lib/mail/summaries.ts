import { fromBase64 } from '@/crypto/encoding';
import type { MessageSummary } from '@/mime/summary';
import type { DecryptOutcome } from '../keys/protocol';
import { readOrigin } from './origin';
import { type SummaryResult, readSummary } from './summary-reader';

/**
 * Decrypted summaries by message id. A message's summary never changes, so each is decrypted once
 * per page load; only the rows that new mail adds cost a trip to the key Worker. Kept in memory
 * only, and dropped when the mailbox closes (`forgetSummaries`).
 */
export type DecryptBatch = (items: Uint8Array[]) => Promise<DecryptOutcome[]>;

const MAX_CACHED = 5000;
const cache = new Map<string, SummaryResult>();

export async function decryptSummaries(
  items: { id: string; summary: string; origin: string | null }[],
  decryptBatch: DecryptBatch,
): Promise<Record<string, SummaryResult>> {
  const results: Record<string, SummaryResult> = {};
  const missing: { id: string; summary: string; origin: string | null }[] = [];
  for (const item of items) {
    const hit = cache.get(item.id);
    if (hit) results[item.id] = hit;
    else missing.push(item);
  }
  if (missing.length === 0) return results;
  // One trip: every summary, then the attestations of the internal ones.
  const withOrigin = missing.filter((item) => item.origin !== null);
  const outcomes = await decryptBatch([...missing.map((item) => fromBase64(item.summary)), ...withOrigin.map((item) => fromBase64(item.origin!))]);
  const origins = new Map(withOrigin.map((item, i) => [item.id, outcomes[missing.length + i] ?? { status: 'decrypt-failed' as const, reason: 'no result' }]));
  missing.forEach((item, i) => {
    const result = readSummary(outcomes[i] ?? { status: 'decrypt-failed', reason: 'no result' }, readOrigin(origins.get(item.id) ?? null));
    results[item.id] = result;
    // A locked key is a passing state, not a property of the message: try again next time.
    if (result.status !== 'locked') remember(item.id, result);
  });
  return results;
}

/** Every summary this tab has decrypted so far (compose suggests recipients from them). */
export function decryptedSummaries(): MessageSummary[] {
  const out: MessageSummary[] = [];
  for (const result of cache.values()) if (result.status === 'ok') out.push(result.summary);
  return out;
}

export function forgetSummaries(): void {
  cache.clear();
}

function remember(id: string, result: SummaryResult) {
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
  cache.set(id, result);
}
