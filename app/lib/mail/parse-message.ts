import PostalMime, { type Address, type Email } from 'postal-mime';

/**
 * Reads a decrypted RFC 5322 message into what the reading pane shows. Input is hostile: the
 * parser runs with bounded nesting and header sizes, and every failure comes back as a tagged
 * result, never as a throw. Plain module: it runs in the MIME Worker and in Node tests.
 */
export interface MailAddress {
  name: string;
  address: string;
}

export interface ParsedAttachment {
  /** Decoded file name, or null when the part has none. */
  filename: string | null;
  mimeType: string;
  size: number;
  /** Content-ID without angle brackets, or null. */
  contentId: string | null;
  /** Referenced from the HTML body (an inline image), so the body shows it. */
  inline: boolean;
  content: Uint8Array;
}

export interface ParsedMessage {
  from: MailAddress[];
  to: MailAddress[];
  cc: MailAddress[];
  /** Only the sender's own copies (drafts, Sent) carry Bcc. */
  bcc: MailAddress[];
  replyTo: MailAddress[];
  subject: string | null;
  /** Message-ID with angle brackets, or null: what a reply's In-Reply-To names. */
  messageId: string | null;
  inReplyTo: string | null;
  /** The References chain, oldest first, each <id>. */
  references: string[];
  /** Envelope recipients named by Delivered-To / X-Original-To fields (lowercased), when the path wrote any. */
  deliveredTo?: string[];
  /** Header fields whose names start with X-Sealpost- (a draft's state), lowercased names. */
  sealpostHeaders: Record<string, string>;
  /** ISO 8601 when the Date header parsed, otherwise its raw text; null when missing. */
  date: string | null;
  text: string | null;
  html: string | null;
  attachments: ParsedAttachment[];
  /** The first Authentication-Results header: the one Sealpost's MX prepended. */
  authenticationResults: string | null;
  /** The body quotes an ASCII-armored PGP block. It is shown as text and never decrypted. */
  hasInlinePgp: boolean;
  /**
   * The armored OpenPGP message of a PGP/MIME message (RFC 3156: multipart/encrypted), which the
   * sender encrypted to the reader's key before it reached this server; null for any other mail.
   */
  pgpMime: string | null;
}

export type ParseResult = { status: 'ok'; message: ParsedMessage } | { status: 'parse-failed'; reason: string };

export const PARSE_LIMITS = {
  maxNestingDepth: 50,
  maxHeadersSize: 1024 * 1024,
  maxRfc822NestingDepth: 3,
} as const;

export const DEFAULT_PARSE_TIMEOUT_MS = 10_000;

const PGP_ARMOR = /-----BEGIN PGP (MESSAGE|SIGNED MESSAGE)-----/;

export async function parseMessage(raw: Uint8Array, options: { timeoutMs?: number } = {}): Promise<ParseResult> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<ParseResult>((resolve) => {
    timer = setTimeout(() => resolve({ status: 'parse-failed', reason: 'timeout' }), options.timeoutMs ?? DEFAULT_PARSE_TIMEOUT_MS);
  });
  const parsed = PostalMime.parse(raw, { ...PARSE_LIMITS, attachmentEncoding: 'arraybuffer' }).then(
    (email): ParseResult => ({ status: 'ok', message: toParsedMessage(email) }),
    (err: unknown): ParseResult => ({ status: 'parse-failed', reason: err instanceof Error ? err.message : 'unreadable message' }),
  );
  try {
    return await Promise.race([parsed, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function toParsedMessage(email: Email): ParsedMessage {
  const html = email.html?.trim() ? email.html : null;
  const text = email.text ?? null;
  const authHeader = email.headers.find((h) => h.key === 'authentication-results');
  return {
    from: flatten(email.from ? [email.from] : []),
    to: flatten(email.to),
    cc: flatten(email.cc),
    bcc: flatten(email.bcc),
    replyTo: flatten(email.replyTo),
    subject: email.subject ?? null,
    messageId: messageIds(email.messageId)[0] ?? null,
    inReplyTo: messageIds(email.inReplyTo)[0] ?? null,
    references: messageIds(email.references).slice(-50),
    deliveredTo: email.headers
      .filter((h) => h.key === 'delivered-to' || h.key === 'x-original-to')
      .slice(0, 20)
      .map((h) => h.value.trim().replace(/^<|>$/g, '').toLowerCase())
      .filter((a) => a.includes('@')),
    sealpostHeaders: Object.fromEntries(email.headers.filter((h) => h.key.startsWith('x-sealpost-')).map((h) => [h.key, h.value])),
    date: email.date ?? null,
    text,
    html,
    attachments: email.attachments.map((a) => {
      const content = typeof a.content === 'string' ? new TextEncoder().encode(a.content) : new Uint8Array(a.content as ArrayBuffer);
      const contentId = a.contentId ? a.contentId.replace(/^<|>$/g, '') : null;
      return {
        filename: a.filename,
        mimeType: a.mimeType,
        size: content.byteLength,
        contentId,
        inline: Boolean(html && a.related && contentId),
        content,
      };
    }),
    authenticationResults: authHeader?.value ?? null,
    hasInlinePgp: PGP_ARMOR.test(text ?? '') || PGP_ARMOR.test(html ?? ''),
    pgpMime: pgpMimePart(email),
  };
}

/** The encrypted part of a top-level multipart/encrypted; protocol="application/pgp-encrypted". */
function pgpMimePart(email: Email): string | null {
  const type = email.headers.find((h) => h.key === 'content-type')?.value ?? '';
  if (!/^\s*multipart\/encrypted\s*;/i.test(type) || !/protocol\s*=\s*"?application\/pgp-encrypted"?/i.test(type)) return null;
  const [version, encrypted] = email.attachments;
  if (version?.mimeType !== 'application/pgp-encrypted' || !encrypted) return null;
  const armored = typeof encrypted.content === 'string' ? encrypted.content : new TextDecoder().decode(encrypted.content as ArrayBuffer);
  return armored.includes('-----BEGIN PGP MESSAGE-----') ? armored : null;
}

/** The <id> tokens of a Message-ID, In-Reply-To or References field. */
function messageIds(value: string | undefined): string[] {
  return (value ?? '').match(/<[^<>\s]{1,900}>/g) ?? [];
}

/** Address groups become their members: the reading pane lists people, not group names. */
function flatten(list: Address[] | undefined): MailAddress[] {
  const out: MailAddress[] = [];
  for (const entry of list ?? []) {
    if (entry.group) out.push(...entry.group.map((m) => ({ name: m.name, address: m.address })));
    else out.push({ name: entry.name, address: entry.address });
  }
  return out;
}
