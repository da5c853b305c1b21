import { type Mailbox, base64Lines, encodeWords, formatDate, formatMailbox, formatMailboxList, mimeParameter, quotedPrintable } from './encoding';
import { safeContentType } from './content-type';

/**
 * Builds outgoing mail, the one builder there is (it runs in the browser; the server only checks
 * and signs what it made). buildSend makes a send's every copy from one body and one Message-ID:
 * the message recipients here and elsewhere get, the Sent copy, and the entity PGP/MIME (RFC 3156)
 * encrypts for key holders. Drafts use buildMessage. Output is 7-bit ASCII with CRLF line ends,
 * except for non-ASCII addresses (SMTPUTF8).
 */
export type { Mailbox };

export interface OutgoingAttachment {
  filename: string;
  contentType: string;
  content: Uint8Array;
}

export interface OutgoingMail {
  from: Mailbox;
  to: Mailbox[];
  cc: Mailbox[];
  /** Written only into the sender's own copies (Sent, drafts); recipients never see it. */
  bcc?: Mailbox[];
  subject: string;
  date: Date;
  /** With angle brackets: <id@domain>. */
  messageId: string;
  inReplyTo?: string | null;
  references?: string[];
  text: string;
  /** null: a plain-text message. */
  html?: string | null;
  attachments: OutgoingAttachment[];
  /** More header fields, e.g. for drafts; names must be ASCII tokens, values are encoded here. */
  extraHeaders?: [string, string][];
}

interface Entity {
  headers: string[];
  body: string;
}

const CRLF = '\r\n';

export function newMessageId(fromAddress: string): string {
  const domain = fromAddress.slice(fromAddress.lastIndexOf('@') + 1) || 'sealpost.invalid';
  return `<${crypto.randomUUID()}@${domain}>`;
}

function boundary(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  // "=_" can't occur in base64 or quoted-printable output, so no body line can match it.
  return `=_sealpost_${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

function textEntity(subtype: 'plain' | 'html', content: string): Entity {
  return {
    headers: [`Content-Type: text/${subtype}; charset=utf-8`, 'Content-Transfer-Encoding: quoted-printable'],
    body: quotedPrintable(content),
  };
}

function attachmentEntity(attachment: OutgoingAttachment): Entity {
  const name = attachment.filename.trim() || 'attachment';
  return {
    headers: [
      `Content-Type: ${safeContentType(attachment.contentType)};\r\n ${mimeParameter('name', name)}`,
      `Content-Disposition: attachment;\r\n ${mimeParameter('filename', name)}`,
      'Content-Transfer-Encoding: base64',
    ],
    body: base64Lines(attachment.content),
  };
}

function multipart(subtype: string, parts: Entity[]): Entity {
  const b = boundary();
  const body = [...parts.map((p) => `--${b}${CRLF}${serialize(p)}`), `--${b}--${CRLF}`].join(CRLF);
  return { headers: [`Content-Type: multipart/${subtype};\r\n boundary="${b}"`], body };
}

const serialize = (entity: Entity) => `${entity.headers.join(CRLF)}${CRLF}${CRLF}${entity.body}`;

/** The body: text, or text and HTML as alternatives, then attachments around it. */
function bodyEntity(mail: OutgoingMail): Entity {
  const text = textEntity('plain', mail.text);
  const content = mail.html ? multipart('alternative', [text, textEntity('html', mail.html)]) : text;
  return mail.attachments.length ? multipart('mixed', [content, ...mail.attachments.map(attachmentEntity)]) : content;
}

function headerFields(mail: OutgoingMail, subject: string): string[] {
  const fields = [
    `From: ${formatMailbox(mail.from)}`,
    `Date: ${formatDate(mail.date)}`,
    `Message-ID: ${mail.messageId}`,
    `Subject: ${encodeWords(subject.replace(/[\r\n]+/g, ' '))}`,
  ];
  if (mail.to.length) fields.push(`To: ${formatMailboxList(mail.to)}`);
  if (mail.cc.length) fields.push(`Cc: ${formatMailboxList(mail.cc)}`);
  if (mail.bcc?.length) fields.push(`Bcc: ${formatMailboxList(mail.bcc)}`);
  if (mail.inReplyTo) fields.push(`In-Reply-To: ${mail.inReplyTo}`);
  if (mail.references?.length) fields.push(`References: ${mail.references.join(`${CRLF} `)}`);
  for (const [name, value] of mail.extraHeaders ?? []) {
    if (!/^[A-Za-z0-9-]+$/.test(name)) throw new Error(`bad header name ${name}`);
    fields.push(`${name}: ${encodeWords(value.replace(/[\r\n]+/g, ' '))}`);
  }
  return fields;
}

const encoder = new TextEncoder();

/** The whole RFC 5322 message, with a body of its own (drafts). */
export function buildMessage(mail: OutgoingMail): Uint8Array {
  return withHeaders(headerFields(mail, mail.subject), bodyEntity(mail));
}

function withHeaders(fields: string[], body: Entity): Uint8Array {
  return encoder.encode(`${[...fields, 'MIME-Version: 1.0', ...body.headers].join(CRLF)}${CRLF}${CRLF}${body.body}`);
}

/** Every copy of one send, made from the same body bytes and carrying the same Message-ID. */
export interface BuiltSend {
  messageId: string;
  /** What every recipient gets, here and elsewhere: To and Cc, never Bcc. */
  forRecipients: Uint8Array;
  /** The Sent copy: the same message, with a Bcc header when there were Bcc recipients. */
  forSender: Uint8Array;
  /** What PGP/MIME encrypts: the same body, with the header fields inside it ("protected headers"). */
  pgpContent: Uint8Array;
}

/** `mail.bcc` goes only into the Sent copy. */
export function buildSend(mail: OutgoingMail): BuiltSend {
  const body = bodyEntity(mail);
  const recipientFields = headerFields({ ...mail, bcc: undefined }, mail.subject);
  const forRecipients = withHeaders(recipientFields, body);
  const forSender = mail.bcc?.length ? withHeaders(headerFields(mail, mail.subject), body) : forRecipients;
  return { messageId: mail.messageId, forRecipients, forSender, pgpContent: protectedEntity(mail, body) };
}

/**
 * The MIME entity that PGP/MIME encrypts: the body with copies of the header fields inside
 * ("protected headers"), so the real subject travels encrypted while the outside says "...".
 */
export function buildPgpMimeContent(mail: OutgoingMail): Uint8Array {
  return protectedEntity(mail, bodyEntity({ ...mail, bcc: undefined }));
}

function protectedEntity(mail: OutgoingMail, body: Entity): Uint8Array {
  const [contentType, ...rest] = body.headers;
  const headers = [`${contentType};\r\n protected-headers="v1"`, ...rest, ...headerFields({ ...mail, bcc: undefined, extraHeaders: undefined }, mail.subject)];
  return encoder.encode(`${headers.join(CRLF)}${CRLF}${CRLF}${body.body}`);
}

/** The RFC 3156 envelope around the armored OpenPGP message of buildPgpMimeContent's output. */
export function buildPgpMimeMessage(mail: OutgoingMail, armoredCiphertext: string): Uint8Array {
  const b = boundary();
  const headers = [
    ...headerFields({ ...mail, bcc: undefined, extraHeaders: undefined }, '...'),
    'MIME-Version: 1.0',
    `Content-Type: multipart/encrypted; protocol="application/pgp-encrypted";\r\n boundary="${b}"`,
  ];
  const armored = armoredCiphertext.replace(/\r\n|\r|\n/g, CRLF).trimEnd();
  const body = [
    'This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)',
    `--${b}`,
    'Content-Type: application/pgp-encrypted',
    'Content-Description: PGP/MIME version identification',
    '',
    'Version: 1',
    '',
    `--${b}`,
    'Content-Type: application/octet-stream; name="encrypted.asc"',
    'Content-Description: OpenPGP encrypted message',
    'Content-Disposition: inline; filename="encrypted.asc"',
    '',
    armored,
    '',
    `--${b}--`,
    '',
  ].join(CRLF);
  return encoder.encode(`${headers.join(CRLF)}${CRLF}${CRLF}${body}`);
}
