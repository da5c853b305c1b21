import { randomBytes } from 'node:crypto';

/**
 * Messages for the export/import round trip: each carries the canary in its subject, body,
 * Message-ID and attachment name, a random attachment, and its own Date an hour after the last.
 * Every tenth body has lines an mbox must quote ("From " and ">From " at a line start).
 */
export interface TransferMessage {
  messageId: string;
  subject: string;
  body: string;
  attachment: Buffer;
  attachmentName: string;
  date: Date;
}

export function transferMessage(i: number, to: string, canary: string): { raw: Buffer; sent: TransferMessage } {
  const messageId = `${i}.${canary}@origin.example`;
  const date = new Date(Date.UTC(2024, 0, 1) + i * 3_600_000);
  const attachment = randomBytes(600 + (i % 7) * 100);
  const attachmentName = `${canary}-${i}.bin`;
  const subject = `Report ${i} ${canary}`;
  const body = i % 10 === 0 ? `Hello ${i} ${canary}\r\nFrom here on\r\n>From quoted\r\n` : `Hello ${i} ${canary}\r\n`;
  const raw = Buffer.from(
    [
      `From: "Sender ${i}" <sender${i}@origin.example>`,
      `To: <${to}>`,
      `Subject: ${subject}`,
      `Message-ID: <${messageId}>`,
      `Date: ${date.toUTCString()}`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain; charset=utf-8',
      '',
      body,
      '--b',
      `Content-Type: application/octet-stream; name="${attachmentName}"`,
      `Content-Disposition: attachment; filename="${attachmentName}"`,
      'Content-Transfer-Encoding: base64',
      '',
      attachment.toString('base64').replace(/.{76}/g, '$&\r\n'),
      '--b--',
      '',
    ].join('\r\n'),
  );
  return { raw, sent: { messageId: `<${messageId}>`, subject, body, attachment, attachmentName, date } };
}

/** Whether a parsed message is the one sent: subject, body text and attachment bytes. */
export function sameAsSent(
  m: { subject: string | null; text: string | null; attachments: { filename: string | null; content: Uint8Array }[] },
  sent: TransferMessage,
): boolean {
  const text = (s: string | null) => (s ?? '').replace(/\r\n/g, '\n').trim();
  const attachment = m.attachments[0];
  return (
    m.subject === sent.subject &&
    text(m.text) === text(sent.body) &&
    attachment?.filename === sent.attachmentName &&
    Buffer.from(attachment.content).equals(sent.attachment)
  );
}
