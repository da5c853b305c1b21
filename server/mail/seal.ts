import { encryptBytesSharingKey, utf8 } from '../../crypto';
import { buildSummary } from './summary';
import type { SummaryAuth, SummaryFilter } from '../../mime/summary';

/**
 * The CPU-heavy half of inbound delivery: parse the summary and encrypt both copies to every
 * recipient's key. No database, no DNS and no Node-only state, so the same function runs on the
 * main thread or in a worker thread (smtp/seal-pool.ts) for large or hostile messages. Plaintext
 * exists only in memory here; failures come back as data that names no content.
 */
export interface SealInput {
  /** The message as received. */
  raw: Uint8Array;
  /** The Authentication-Results header to prepend to the stored copy. */
  authHeader: Uint8Array;
  auth: SummaryAuth;
  /** What the filters found, for the encrypted summary only. */
  filter?: SummaryFilter;
  envelopeFrom: string;
  /** One armored public key per recipient, in recipient order. */
  publicKeys: string[];
}

export interface SealedCopy {
  raw: Uint8Array;
  summary: Uint8Array;
}

export type SealOutcome =
  | { status: 'sealed'; copies: SealedCopy[] }
  /** Fail closed: no copy at all, never a plaintext one. */
  | { status: 'encryption-failed'; errorName?: string; errorCode?: string };

/** Runs sealMessage somewhere: inline, or in a worker thread. */
export type Sealer = (input: SealInput) => Promise<SealOutcome>;

export async function sealMessage(input: SealInput): Promise<SealOutcome> {
  const stored = new Uint8Array(input.authHeader.length + input.raw.length);
  stored.set(input.authHeader, 0);
  stored.set(input.raw, input.authHeader.length);
  const summary = await buildSummary({ raw: input.raw, auth: input.auth, envelopeFrom: input.envelopeFrom, ...(input.filter ? { filter: input.filter } : {}) });
  const summaryBytes = utf8(JSON.stringify(summary));

  const copies: SealedCopy[] = [];
  for (const key of input.publicKeys) {
    try {
      // One session key for the pair: they go to the same key, and the public-key step is the
      // costliest part of encrypting (see crypto/shared-session.ts).
      const [raw, sealedSummary] = (await encryptBytesSharingKey([stored, summaryBytes], [key])) as [Uint8Array, Uint8Array];
      copies.push({ raw, summary: sealedSummary });
    } catch (err) {
      const code = (err as { code?: unknown } | undefined)?.code;
      return {
        status: 'encryption-failed',
        ...(err instanceof Error ? { errorName: err.name } : {}),
        ...(typeof code === 'string' ? { errorCode: code } : {}),
      };
    }
  }
  return { status: 'sealed', copies };
}
