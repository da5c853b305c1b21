import { type MessageOrigin, messageOrigin } from '@/mime/origin';
import type { MessageSummary } from '@/mime/summary';
import type { DecryptOutcome } from '../keys/protocol';

/**
 * Mail written on this instance carries the server's attestation of its sender (mime/origin.ts).
 * Its headers and summary were made in the sender's browser, so they are the sender's word: where
 * they disagree with the attestation, the attestation wins, and MX authentication results claimed
 * by such a message are ignored. 'invalid': an attestation exists but can't be read: trust nothing.
 */
export type OriginResult = MessageOrigin | 'invalid' | null;

export function readOrigin(outcome: DecryptOutcome | null): OriginResult {
  if (!outcome) return null;
  if (outcome.status !== 'ok') return 'invalid';
  try {
    const read = messageOrigin.safeParse(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(outcome.data)));
    if (read.success) return read.data;
  } catch {
    // Not JSON: fall through to 'invalid', which the reader is shown.
  }
  return 'invalid';
}

/** The From a sender-made message claims, when it is not the address the server vouched for. */
export function spoofedFrom(claimed: { address: string }[], origin: OriginResult): string | null {
  if (!origin || origin === 'invalid') return null;
  const first = claimed[0]?.address ?? '';
  return claimed.length === 1 && first.toLowerCase() === origin.from.toLowerCase() ? null : claimed.map((a) => a.address).join(', ') || '(none)';
}

/** The summary as the list may show it: for internal mail, the sender is the attested one. */
export function trustedSummary(summary: MessageSummary, origin: OriginResult): MessageSummary {
  if (!origin) return summary;
  const auth = { spf: 'none', dkim: 'none', dmarc: 'none', arc: 'none' };
  if (origin === 'invalid') return { ...summary, auth };
  const claimed = summary.from[0];
  const name = claimed && claimed.address.toLowerCase() === origin.from.toLowerCase() ? claimed.name : '';
  return { ...summary, from: [{ name, address: origin.from }], auth };
}
