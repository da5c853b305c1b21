import 'server-only';
import { randomBytes } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import { AppError } from '../errors';

/**
 * MIME for mail the platform composes on the customer's behalf (by design: the customer's own
 * software hands us the content). nodemailer's MailComposer does the encoding; this module
 * decides what may go in.
 */
export interface ComposeInput {
  from: string;
  to: string[];
  cc: string[];
  replyTo?: string;
  subject: string;
  text: string;
  html: string | null;
  attachments: { filename: string; content: Buffer; contentType?: string }[];
  headers: Record<string, string>;
  domain: string;
  date: Date;
  /** Fixed by the caller so every delivery attempt sends the same bytes; made up otherwise. */
  messageId?: string;
  boundary?: string;
}

// Headers the composer writes itself, or that would change who the mail is from or to.
const RESERVED = new Set([
  'from',
  'to',
  'cc',
  'bcc',
  'subject',
  'date',
  'message-id',
  'mime-version',
  'reply-to',
  'sender',
  'return-path',
  'received',
  'dkim-signature',
  'content-type',
  'content-transfer-encoding',
  'content-disposition',
]);

/** Custom headers: token names, no line breaks, none of the headers the server owns. */
export function checkHeaders(headers: Record<string, string>): Record<string, string> {
  for (const [name, value] of Object.entries(headers)) {
    const field = `headers.${name}`;
    if (!/^[A-Za-z0-9][A-Za-z0-9-]*$/.test(name)) throw new AppError('BAD_INPUT', `${field}: not a valid header name.`, { field });
    if (RESERVED.has(name.toLowerCase())) throw new AppError('BAD_INPUT', `${field}: this header is set by the server.`, { field });
    if (/[\r\n\0]/.test(value)) throw new AppError('BAD_INPUT', `${field}: a header value can't contain line breaks.`, { field });
  }
  return headers;
}

export function newMessageId(domain: string): string {
  return `<${randomBytes(12).toString('hex')}@${domain}>`;
}

/** The RFC 5322 message, CRLF line ends, with no Bcc header. */
export async function composeMime(input: ComposeInput): Promise<{ raw: Buffer; messageId: string }> {
  const messageId = input.messageId ?? newMessageId(input.domain);
  const composer = new MailComposer({
    from: input.from,
    to: input.to,
    cc: input.cc.length ? input.cc : undefined,
    replyTo: input.replyTo,
    subject: input.subject,
    text: input.text,
    html: input.html ?? undefined,
    attachments: input.attachments.map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType })),
    headers: input.headers,
    messageId,
    date: input.date,
    newline: '\r\n',
    baseBoundary: input.boundary,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const raw = await new Promise<Buffer>((resolve, reject) => composer.compile().build((err, out) => (err ? reject(err) : resolve(out))));
  return { raw, messageId };
}
