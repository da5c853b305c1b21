import { randomUUID } from 'node:crypto';

/**
 * Delivery status notifications (RFC 3464): a multipart/report with a human-readable part, a
 * message/delivery-status part with one block per failed recipient, and the original message's
 * headers (text/rfc822-headers, RFC 6522), never its body.
 */
export interface FailedRecipient {
  address: string;
  /** RFC 3463 enhanced status code, e.g. 5.1.1. */
  status: string;
  /** Why, in words, for the human-readable part. */
  reason: string;
  /** The remote server's reply, if one came. */
  reply: string | null;
  /** The MX host that answered, if any. */
  remoteMta: string | null;
}

export interface DsnInput {
  /** Our host name, for Reporting-MTA. */
  reportingMta: string;
  /** MAILER-DAEMON@<mailDomain> is the From address. */
  mailDomain: string;
  /** The sender who gets the report. */
  to: string;
  originalHeaders: Buffer;
  arrivalDate: Date;
  now: Date;
  failures: FailedRecipient[];
}

/** The enhanced status code in an SMTP reply ("550 5.1.1 ..."), or one from its class. */
export function statusFromReply(reply: string | null, fallback: string): string {
  const enhanced = reply?.match(/^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})\b/);
  if (enhanced) return enhanced[1]!;
  const basic = reply?.match(/^([245])\d\d\b/);
  return basic ? `${basic[1]}.0.0` : fallback;
}

/** Unfolded value of one header from a header block, or null. */
export function headerValue(headers: Buffer, name: string): string | null {
  const unfolded = headers.toString('latin1').replace(/\r?\n[ \t]+/g, ' ');
  const match = unfolded.match(new RegExp(`^${name}:[ \\t]*(.*)$`, 'im'));
  return match ? match[1]!.trim() : null;
}

const oneLine = (text: string) => text.replace(/[\r\n]+/g, ' ');

export function buildDsn(input: DsnInput): Buffer {
  const boundary = `sealpost-dsn-${randomUUID()}`;
  const messageId = headerValue(input.originalHeaders, 'Message-ID');
  const subject = headerValue(input.originalHeaders, 'Subject');
  const crlf = (lines: string[]) => lines.join('\r\n');

  const human = crlf([
    `This is the mail system at ${input.reportingMta}.`,
    '',
    'Your message could not be delivered to one or more recipients. The headers of your message',
    'are attached below.',
    '',
    ...input.failures.flatMap((f) => [
      `<${f.address}>: ${oneLine(f.reason)}`,
      ...(f.reply ? [`    ${f.remoteMta ? `${f.remoteMta} said` : 'The server said'}: ${oneLine(f.reply)}`] : []),
      '',
    ]),
  ]);

  const perMessage = crlf([`Reporting-MTA: dns; ${input.reportingMta}`, `Arrival-Date: ${input.arrivalDate.toUTCString()}`]);
  const perRecipient = input.failures.map((f) =>
    crlf([
      `Final-Recipient: rfc822; ${f.address}`,
      'Action: failed',
      `Status: ${f.status}`,
      ...(f.remoteMta ? [`Remote-MTA: dns; ${f.remoteMta}`] : []),
      ...(f.reply ? [`Diagnostic-Code: smtp; ${oneLine(f.reply)}`] : []),
      `Last-Attempt-Date: ${input.now.toUTCString()}`,
    ]),
  );

  const head = crlf([
    `From: Mail Delivery System <MAILER-DAEMON@${input.mailDomain}>`,
    `To: <${input.to}>`,
    `Subject: Undelivered Mail Returned to Sender${subject ? `: ${subject}` : ''}`,
    `Date: ${input.now.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${randomUUID()}@${input.mailDomain}>`,
    ...(messageId ? [`In-Reply-To: ${messageId}`, `References: ${messageId}`] : []),
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
  ]);

  const parts = [
    crlf(['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', human]),
    crlf(['Content-Type: message/delivery-status', '', perMessage, '', perRecipient.join('\r\n\r\n'), '']),
    crlf(['Content-Type: text/rfc822-headers', '', '']),
  ];
  return Buffer.concat([
    Buffer.from(`${head}\r\n\r\nThis is a MIME-encapsulated delivery status notification.\r\n\r\n`),
    ...parts.flatMap((part, i) => [Buffer.from(`--${boundary}\r\n${part}`), ...(i === parts.length - 1 ? [input.originalHeaders] : [Buffer.from('\r\n')])]),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
}

/** The header block of a message (up to the blank line), for a bounce's text/rfc822-headers part. */
export function headerBlock(raw: Buffer): Buffer {
  const end = raw.indexOf('\r\n\r\n');
  return end === -1 ? raw : raw.subarray(0, end + 2);
}
