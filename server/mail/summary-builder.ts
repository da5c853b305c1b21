import { type AddressObject, type EmailAddress, type Headers, MailParser } from 'mailparser';
import {
  type MessageSummary,
  SUMMARY_LIMITS,
  type SummaryAddress,
  type SummaryAttachment,
  type SummaryAuth,
  type SummaryFilter,
  messageSummary,
} from '../../mime/summary';

/**
 * Builds the list-view summary of a message. The parser reads hostile input, so every expensive
 * feature is off (link detection, HTML-to-text, image inlining, text-to-HTML) and the whole parse
 * has a time budget. Whatever goes wrong, the caller gets a summary: mail is never refused or lost
 * because the summary parser choked. What it returns has been through the schema the browser
 * checks it with (mime/summary.ts), which also clips every field to its bound.
 */

const PARSER_OPTIONS = {
  skipTextLinks: true,
  skipHtmlToText: true,
  skipImageLinks: true,
  skipTextToHtml: true,
  maxHtmlLengthToParse: 1024 * 1024,
} as const;

// How much body text the snippet is looked for in; the schema bounds everything else.
const SNIPPET_SOURCE = 16 * 1024;

export const DEFAULT_PARSE_BUDGET_MS = 5_000;

export interface SummaryInput {
  raw: Uint8Array;
  auth: SummaryAuth;
  filter?: SummaryFilter;
  envelopeFrom: string;
  budgetMs?: number;
}

export async function buildSummary(input: SummaryInput): Promise<MessageSummary> {
  try {
    const summary = await parseWithBudget(input);
    return messageSummary.parse(input.filter ? { ...summary, filter: input.filter } : summary);
  } catch {
    // The parser's (or the schema's) error text may quote the message, so it goes nowhere; the
    // fallback says enough.
    const fallback = fallbackSummary(input.auth, input.envelopeFrom);
    return input.filter ? messageSummary.parse({ ...fallback, filter: input.filter }) : fallback;
  }
}

/** What the list can show when the MIME could not be read: only what the SMTP envelope said. */
export function fallbackSummary(auth: SummaryAuth, envelopeFrom: string): MessageSummary {
  return messageSummary.parse({
    v: 1,
    from: envelopeFrom ? [{ name: '', address: envelopeFrom }] : [],
    to: [],
    cc: [],
    subject: null,
    date: null,
    snippet: '',
    attachments: [],
    auth,
    messageId: null,
    parsed: false,
  });
}

function parseWithBudget(input: SummaryInput): Promise<MessageSummary> {
  return new Promise((resolve, reject) => {
    const parser = new MailParser(PARSER_OPTIONS);
    let headers: Headers | undefined;
    let dateLine: string | undefined;
    let text = '';
    let html = '';
    const attachments: SummaryAttachment[] = [];
    let settled = false;

    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error !== undefined) {
        parser.destroy();
        reject(error instanceof Error ? error : new Error('summary parse failed'));
        return;
      }
      resolve(toSummary(headers, dateLine, text, html, attachments, input.auth));
    };
    const timer = setTimeout(() => finish(new Error('summary parse ran out of time')), input.budgetMs ?? DEFAULT_PARSE_BUDGET_MS);

    parser.on('headers', (h: Headers) => {
      headers = h;
    });
    // mailparser replaces an unreadable Date header with the current time; read the raw line instead.
    parser.on('headerLines', (lines: { key: string; line: string }[]) => {
      dateLine ??= lines.find((l) => l.key === 'date')?.line;
    });
    parser.on('data', (data: { type: string; [key: string]: unknown }) => {
      if (data.type === 'text') {
        if (typeof data.text === 'string') text = data.text;
        if (typeof data.html === 'string') html = data.html;
        return;
      }
      if (data.type !== 'attachment') return;
      const part = data as unknown as { filename?: string; contentType?: string; content: NodeJS.ReadableStream; release: () => void };
      let size = 0;
      // Count the bytes and drop them: the summary needs the size, never the content.
      part.content.on('data', (chunk: Buffer) => {
        size += chunk.length;
      });
      part.content.on('end', () => {
        if (attachments.length < SUMMARY_LIMITS.list) {
          attachments.push({ filename: part.filename || null, size, contentType: part.contentType ?? 'application/octet-stream' });
        }
        part.release();
      });
    });
    parser.on('error', (err: unknown) => finish(err ?? new Error('summary parse failed')));
    parser.on('end', () => finish());
    try {
      parser.end(Buffer.from(input.raw.buffer, input.raw.byteOffset, input.raw.byteLength));
    } catch (err) {
      finish(err);
    }
  });
}

function toSummary(
  headers: Headers | undefined,
  dateLine: string | undefined,
  text: string,
  html: string,
  attachments: SummaryAttachment[],
  auth: SummaryAuth,
): MessageSummary {
  const subject = headers?.get('subject');
  const date = dateLine
    ? new Date(
        dateLine
          .replace(/^date:/i, '')
          .replace(/\r?\n[ \t]+/g, ' ')
          .trim(),
      )
    : undefined;
  const messageId = headers?.get('message-id');
  return {
    v: 1,
    from: addresses(headers?.get('from')),
    to: addresses(headers?.get('to')),
    cc: addresses(headers?.get('cc')),
    subject: typeof subject === 'string' ? subject : null,
    date: date && !Number.isNaN(date.getTime()) ? date.toISOString() : null,
    snippet: snippetOf(text || htmlToRoughText(html)),
    attachments,
    auth,
    messageId: typeof messageId === 'string' ? messageId : null,
    references: threadReferences(headers?.get('references'), headers?.get('in-reply-to')),
    parsed: true,
  };
}

/** References, oldest first, then In-Reply-To when References doesn't already end with it. */
function threadReferences(references: unknown, inReplyTo: unknown): string[] {
  const ids = ([] as unknown[])
    .concat(references ?? [])
    .flatMap((value) => (typeof value === 'string' ? (value.match(/<[^<>\s]+>/g) ?? []) : []))
    .slice(0, SUMMARY_LIMITS.list);
  const parent = typeof inReplyTo === 'string' ? /<[^<>\s]+>/.exec(inReplyTo)?.[0] : undefined;
  if (parent && ids[ids.length - 1] !== parent && ids.length < SUMMARY_LIMITS.list) ids.push(parent);
  return ids;
}

/** Flattens address objects, groups included, into plain {name, address} pairs. */
function addresses(value: unknown): SummaryAddress[] {
  const out: SummaryAddress[] = [];
  const visit = (entry: EmailAddress) => {
    if (out.length >= SUMMARY_LIMITS.list) return;
    if (entry.group) {
      entry.group.forEach(visit);
      return;
    }
    if (entry.address || entry.name) out.push({ name: entry.name ?? '', address: entry.address ?? '' });
  };
  for (const object of ([] as unknown[]).concat(value ?? [])) {
    const list = (object as AddressObject | undefined)?.value;
    if (Array.isArray(list)) list.forEach(visit);
  }
  return out;
}

function snippetOf(body: string): string {
  // Collapse a window at a time: most bodies fill the snippet from their first few hundred characters.
  const end = Math.min(body.length, SNIPPET_SOURCE);
  let collapsed = '';
  for (let start = 0; start < end; start += 512) {
    collapsed = (collapsed + body.slice(start, Math.min(start + 512, end))).replace(/\s+/g, ' ');
    // Twice the limit in UTF-16 units holds the limit in code points; the schema clips to it.
    if (collapsed.length > SUMMARY_LIMITS.snippet * 2 + 2) break;
  }
  return collapsed.trim();
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/**
 * Visible text of the start of an HTML body, for the snippet only. A single forward scan with
 * indexOf (no backtracking regex), so hostile HTML costs linear time.
 */
export function htmlToRoughText(html: string): string {
  const source = html.slice(0, SNIPPET_SOURCE * 4);
  const lower = source.toLowerCase();
  let out = '';
  let pos = 0;
  while (pos < source.length && out.length < SNIPPET_SOURCE) {
    const open = source.indexOf('<', pos);
    out += source.slice(pos, open === -1 ? source.length : open);
    if (open === -1) break;
    const close = source.indexOf('>', open);
    if (close === -1) break;
    const name = /^<\s*([a-z0-9]+)/.exec(lower.slice(open, Math.min(close + 1, open + 16)))?.[1];
    pos = close + 1;
    if (name === 'style' || name === 'script' || name === 'head' || name === 'title') {
      const end = lower.indexOf(`</${name}`, pos);
      if (end === -1) break;
      pos = lower.indexOf('>', end) + 1 || source.length;
    }
    out += ' ';
  }
  return out.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,6});/gi, (match, entity: string) => {
    if (entity[0] === '#') {
      const code = entity[1] === 'x' || entity[1] === 'X' ? Number.parseInt(entity.slice(2), 16) : Number(entity.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : ' ';
    }
    return ENTITIES[entity.toLowerCase()] ?? match;
  });
}
