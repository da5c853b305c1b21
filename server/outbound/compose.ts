import { randomUUID } from 'node:crypto';
import { domainToASCII } from 'node:url';
import DKIM from 'nodemailer/lib/dkim';
import MailComposer from 'nodemailer/lib/mail-composer';
import addressparser from 'nodemailer/lib/addressparser';
import { AppError } from '../errors';
import type { SendingIdentity } from './sending-identity';

/** What the browser hands over for a non-PGP external recipient. */
export interface OutgoingMessage {
  from: string;
  fromName?: string;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  text: string;
  html?: string;
  attachments?: { filename: string; contentType: string; content: string }[];
  inReplyTo?: string;
  references?: string[];
  /**
   * The Message-ID the browser gave every copy of this message (internal copies, the Sent copy),
   * so replies thread across them. Default: a new one on the sending domain.
   */
  messageId?: string;
}

export interface Mailbox {
  name: string;
  address: string;
  /** ASCII (punycode), lowercase. */
  domain: string;
}

// A pragmatic check, not RFC 5322's full grammar: one @, no spaces or angle brackets, a dotted domain.
const ADDRESS = /^[^\s@<>()",;:\\[\]]+@[^\s@<>()",;:\\[\]]+\.[^\s@<>()",;:\\[\]]+$/;

/** Parses "Name <a@b>" or "a@b"; exactly one mailbox per entry. */
export function parseMailbox(entry: string): Mailbox {
  const parsed = addressparser(entry, { flatten: true });
  const box = parsed.length === 1 ? parsed[0]! : undefined;
  if (!box || !ADDRESS.test(box.address)) throw new AppError('BAD_INPUT', `"${entry.slice(0, 100)}" isn't an email address.`);
  const at = box.address.lastIndexOf('@');
  const domain = domainToASCII(box.address.slice(at + 1).toLowerCase());
  if (!domain) throw new AppError('BAD_INPUT', `"${entry.slice(0, 100)}" has a domain that can't be used.`);
  return { name: box.name, address: `${box.address.slice(0, at)}@${domain}`, domain };
}

const messageIdOf = (id: string) => (/^<.*>$/.test(id.trim()) ? id.trim() : `<${id.trim()}>`);

/**
 * Builds the RFC 5322 message. Bcc recipients are left out of the headers: they only appear in
 * the envelope. MailComposer writes CRLF line ends and encodes every non-ASCII part.
 */
export async function composeMime(message: OutgoingMessage, identity: SendingIdentity, date: Date): Promise<Buffer> {
  const composer = new MailComposer({
    from: { name: message.fromName ?? '', address: identity.address },
    to: message.to,
    cc: message.cc.length ? message.cc : undefined,
    subject: message.subject,
    text: message.text,
    html: message.html,
    attachments: message.attachments?.map((a) => ({ filename: a.filename, contentType: a.contentType, content: Buffer.from(a.content, 'base64') })),
    inReplyTo: message.inReplyTo ? messageIdOf(message.inReplyTo) : undefined,
    references: message.references?.map(messageIdOf),
    messageId: message.messageId ? messageIdOf(message.messageId) : `<${randomUUID()}@${identity.domain}>`,
    date,
    newline: 'win',
    // Never read a file or a URL named in user input.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return composer.compile().build();
}

/** Prepends a DKIM-Signature (rsa-sha256, relaxed/relaxed) for the identity's domain. */
export async function dkimSign(raw: Buffer, identity: SendingIdentity): Promise<Buffer> {
  const signer = new DKIM({ domainName: identity.domain, keySelector: identity.selector, privateKey: identity.privateKey });
  const chunks: Buffer[] = [];
  for await (const chunk of signer.sign(raw)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The header block of a message (up to the blank line), for a bounce's text/rfc822-headers part. */
export function headerBlock(raw: Buffer): Buffer {
  const end = raw.indexOf('\r\n\r\n');
  return end === -1 ? raw : raw.subarray(0, end + 2);
}
