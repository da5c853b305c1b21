import { type MessageSummary, messageSummary } from '@/mime/summary';
import type { ParseResult } from '../mail/parse-message';

/**
 * The list-view summary of an imported message, built in the browser from the parsed MIME through
 * the same schema the SMTP sidecar builds it with (mime/summary.ts), so the list reads it like any
 * other. No MX checked an imported message: its authentication results are `none`.
 */
const NO_AUTH = { spf: 'none', dkim: 'none', dmarc: 'none', arc: 'none' };

export function importSummary(parsed: ParseResult): MessageSummary {
  if (parsed.status !== 'ok') {
    return messageSummary.parse({
      v: 1,
      from: [],
      to: [],
      cc: [],
      subject: null,
      date: null,
      snippet: '',
      attachments: [],
      auth: NO_AUTH,
      messageId: null,
      parsed: false,
    });
  }
  const m = parsed.message;
  const text = m.text ?? (m.html ? m.html.replace(/<style[\s\S]*?<\/style>|<[^>]*>/gi, ' ') : '');
  return messageSummary.parse({
    v: 1,
    from: m.from,
    to: m.to,
    cc: m.cc,
    subject: m.subject,
    date: isoDate(m.date),
    snippet: text
      .slice(0, 16 * 1024)
      .replace(/\s+/g, ' ')
      .trim(),
    attachments: m.attachments.filter((a) => !a.inline).map((a) => ({ filename: a.filename, size: a.size, contentType: a.mimeType })),
    auth: NO_AUTH,
    messageId: m.messageId,
    parsed: true,
  });
}

/** The Date header as ISO 8601, or null when it isn't a date. */
export function isoDate(value: string | null): string | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/**
 * The form a Message-ID is compared in: without angle brackets or surrounding space. Case is kept
 * (RFC 5322 ids are case-sensitive on the left of the @).
 */
export function messageIdKey(id: string | null | undefined): string | null {
  const key = id?.trim().replace(/^<|>$/g, '').trim();
  return key ? key : null;
}
