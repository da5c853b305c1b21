import type { MessageSummary, SummaryAddress, SummaryAttachment, SummaryAuth } from '@/server/mail/summary.types';
import type { DecryptOutcome } from '../keys/protocol';
import { type OriginResult, trustedSummary } from './origin';

/**
 * A list row's summary, decrypted in the key Worker and checked here. Anyone can encrypt to a
 * public key, so a summary is untrusted input: its shape is verified field by field and anything
 * odd is dropped rather than rendered.
 */
export type SummaryResult =
  /** `origin`: the server's attestation for mail written on this instance; `summary` is already corrected by it. */
  | { status: 'ok'; summary: MessageSummary; origin?: OriginResult }
  | { status: 'decrypt-failed' | 'locked' | 'invalid' };

const MAX_TEXT = 1000;
const MAX_LIST = 100;

export function readSummary(outcome: DecryptOutcome, origin: OriginResult = null): SummaryResult {
  if (outcome.status !== 'ok') return { status: outcome.status };
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(outcome.data));
  } catch {
    // Bytes that are not UTF-8 JSON are not a summary; the row says so, the page goes on.
    return { status: 'invalid' };
  }
  const summary = toMessageSummary(json);
  if (!summary) return { status: 'invalid' };
  return origin ? { status: 'ok', summary: trustedSummary(summary, origin), origin } : { status: 'ok', summary };
}

export function toMessageSummary(json: unknown): MessageSummary | null {
  if (!isObject(json) || json.v !== 1) return null;
  const auth = isObject(json.auth) ? json.auth : {};
  return {
    v: 1,
    from: addresses(json.from),
    to: addresses(json.to),
    cc: addresses(json.cc),
    subject: optionalText(json.subject),
    date: optionalText(json.date),
    snippet: text(json.snippet).slice(0, 200),
    attachments: list(json.attachments)
      .filter(isObject)
      .map(
        (a): SummaryAttachment => ({
          filename: optionalText(a.filename),
          size: typeof a.size === 'number' && Number.isFinite(a.size) && a.size >= 0 ? a.size : 0,
          contentType: text(a.contentType) || 'application/octet-stream',
        }),
      ),
    auth: { spf: verdict(auth.spf), dkim: verdict(auth.dkim), dmarc: verdict(auth.dmarc), arc: verdict(auth.arc) } satisfies SummaryAuth,
    messageId: optionalText(json.messageId),
    parsed: json.parsed !== false,
  };
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

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v.slice(0, MAX_LIST) : []);
const text = (v: unknown): string => (typeof v === 'string' ? v.slice(0, MAX_TEXT) : '');
const optionalText = (v: unknown): string | null => (typeof v === 'string' ? v.slice(0, MAX_TEXT) : null);
const verdict = (v: unknown): string => (typeof v === 'string' && /^[a-z]{1,16}$/.test(v) ? v : 'none');

function addresses(v: unknown): SummaryAddress[] {
  return list(v)
    .filter(isObject)
    .map((a) => ({ name: text(a.name), address: text(a.address) }))
    .filter((a) => a.name || a.address);
}
