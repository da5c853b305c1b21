import { fromBase64 } from '@/crypto/encoding';
import { parseSummaryBytes } from '@/mime/summary';
import type { DecryptOutcome } from '../keys/protocol';
import { messageIdKey } from './import-summary';

/**
 * The Message-IDs already in the mailbox, from its summaries decrypted in the key Worker 500 at a
 * time. Only the ids are kept, never the summaries.
 */
export async function collectMessageIds(
  page: (after: string | null) => Promise<{ items: { summary: string }[]; nextAfter: string | null }>,
  decryptBatch: (items: Uint8Array[]) => Promise<DecryptOutcome[]>,
): Promise<Set<string>> {
  const ids = new Set<string>();
  let after: string | null = null;
  do {
    const result: { items: { summary: string }[]; nextAfter: string | null } = await page(after);
    const outcomes = await decryptBatch(result.items.map((item) => fromBase64(item.summary)));
    for (const outcome of outcomes) {
      if (outcome.status !== 'ok') continue;
      const read = parseSummaryBytes(outcome.data);
      const id = read.ok ? messageIdKey(read.summary.messageId) : null;
      if (id) ids.add(id);
    }
    after = result.nextAfter;
  } while (after);
  return ids;
}
