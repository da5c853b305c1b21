import { type MessageSummary, parseSummaryBytes } from '@/mime/summary';
import type { DecryptOutcome } from '../keys/protocol';
import { type OriginResult, trustedSummary } from './origin';

/**
 * A list row's summary, decrypted in the key Worker and checked here with the schema its writer
 * built it with (mime/summary.ts). Anyone can encrypt to a public key, so a summary is untrusted
 * input: one the schema refuses is shown as unreadable, and nothing throws.
 */
export type SummaryResult =
  /** `origin`: the server's attestation for mail written on this instance; `summary` is already corrected by it. */
  { status: 'ok'; summary: MessageSummary; origin?: OriginResult } | { status: 'decrypt-failed' | 'locked' | 'invalid' };

export function readSummary(outcome: DecryptOutcome, origin: OriginResult = null): SummaryResult {
  if (outcome.status !== 'ok') return { status: outcome.status };
  const read = parseSummaryBytes(outcome.data);
  if (!read.ok) return { status: 'invalid' };
  return origin ? { status: 'ok', summary: trustedSummary(read.summary, origin), origin } : { status: 'ok', summary: read.summary };
}

/** Who a row is from: the first sender's name, else their address. */
export function senderLabel(summary: MessageSummary): string {
  const first = summary.from[0];
  return first?.name.trim() || first?.address.trim() || '(unknown sender)';
}

/** Whom a sent message or draft is to: "To: Bob, carol@example.org". */
export function recipientsLabel(summary: MessageSummary): string {
  const names = [...summary.to, ...summary.cc].map((a) => a.name.trim() || a.address.trim()).filter(Boolean);
  return names.length ? `To: ${names.join(', ')}` : '(no recipients)';
}

export function subjectLabel(subject: string | null | undefined): string {
  return subject?.trim() || '(no subject)';
}
