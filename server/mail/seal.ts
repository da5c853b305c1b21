import { utf8 } from '../../crypto';
import { applyFilters, type Disposition, type FilterRule } from '../../mime/mail-filter';
import { encryptPartsTo } from './recipient-encryption';
import { buildSummary } from './summary-builder';
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
  /** Each recipient's filter rules, in recipient order (none when absent). */
  filters?: FilterRule[][];
}

export interface SealedCopy {
  raw: Uint8Array;
  summary: Uint8Array;
  /** What the recipient's own filter rules said; a discarded copy has empty ciphertexts. */
  disposition: Disposition;
}

export type SealOutcome =
  | { status: 'sealed'; copies: SealedCopy[] }
  /** Fail closed: no copy at all, never a plaintext one. */
  | { status: 'encryption-failed'; errorName?: string; errorCode?: string };

/** Runs sealMessage somewhere: inline, or in a worker thread. */
export type Sealer = (input: SealInput) => Promise<SealOutcome>;

const NO_RULES: Disposition = { discard: false, seen: false };

export async function sealMessage(input: SealInput): Promise<SealOutcome> {
  const stored = new Uint8Array(input.authHeader.length + input.raw.length);
  stored.set(input.authHeader, 0);
  stored.set(input.raw, input.authHeader.length);
  const summary = await buildSummary({ raw: input.raw, auth: input.auth, envelopeFrom: input.envelopeFrom, ...(input.filter ? { filter: input.filter } : {}) });
  const summaryBytes = utf8(JSON.stringify(summary));

  const copies: SealedCopy[] = [];
  for (const [i, key] of input.publicKeys.entries()) {
    const rules = input.filters?.[i];
    const disposition = rules && rules.length > 0 ? applyFilters(rules, summary) : NO_RULES;
    if (disposition.discard) {
      // The recipient asked for this: nothing is encrypted or stored for them.
      copies.push({ raw: new Uint8Array(0), summary: new Uint8Array(0), disposition });
      continue;
    }
    try {
      // One session key for the pair: they go to the same key, and the public-key step is the
      // costliest part of encrypting (see ./recipient-encryption.ts).
      const [raw, sealedSummary] = (await encryptPartsTo([stored, summaryBytes], key)) as [Uint8Array, Uint8Array];
      copies.push({ raw, summary: sealedSummary, disposition });
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
