import { readSummary } from '../mail/summary-reader';
import type { DecryptOutcome } from '../keys/protocol';
import { fromBase64 } from '@/crypto/encoding';
import { type SubjectThreads, conversationKeyOf, threadRoot } from './thread-key';

/**
 * Places messages into conversations: decrypts their summaries, finds each one's thread root, and
 * keys it. Oldest first, so a thread's first message is known before replies that only share its
 * subject. A summary that can't be read still gets a key (a conversation of one), so it isn't
 * retried forever; a locked key places nothing.
 */
export interface Unplaced {
  id: string;
  receivedAt: string;
  summary: string;
}

export async function placeBatch(
  items: Unplaced[],
  deps: { decrypt: (data: Uint8Array[]) => Promise<DecryptOutcome[]>; hmacKey: CryptoKey; threads: SubjectThreads },
): Promise<{ id: string; key: string }[]> {
  const ordered = [...items].sort((a, b) => Date.parse(a.receivedAt) - Date.parse(b.receivedAt));
  const outcomes = await deps.decrypt(ordered.map((item) => fromBase64(item.summary)));
  const placed: { id: string; key: string }[] = [];
  for (const [i, item] of ordered.entries()) {
    const read = readSummary(outcomes[i] ?? { status: 'decrypt-failed', reason: 'no result' });
    if (read.status === 'locked') return [];
    const at = Date.parse(item.receivedAt);
    const root = read.status === 'ok' ? threadRoot(read.summary, item.id, at, deps.threads) : `sealpost:${item.id}`;
    placed.push({ id: item.id, key: await conversationKeyOf(deps.hmacKey, root) });
  }
  return placed;
}
