import type { Db } from '../db/client';
import { splitMailboxEntry } from '../mime/address';
import { buildSend, newMessageId } from '../mime/build';
import type { Account } from '../server/auth/account.service';
import type { Clock } from '../server/clock';
import { type Outbound, queueMimeMessage } from '../server/send/outbound.service';
import type { OutboundQueue } from '../server/delivery/queue';
import { env } from '../server/env';
import { settingsFrom } from '../server/settings';

const settings = settingsFrom(env());

/** A message as tests describe it; built into MIME by the browser's own builder (mime/build.ts). */
export interface TestMail {
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
  messageId?: string;
  /** Who the server delivers to; default: everyone in To, Cc and Bcc. */
  envelope?: string[];
  sendAt?: Date;
}

export function buildTestMime(mail: TestMail, date = new Date()): Uint8Array {
  const boxes = (entries: string[]) => entries.map(splitMailboxEntry);
  return buildSend({
    from: { name: mail.fromName ?? '', address: mail.from },
    to: boxes(mail.to),
    cc: boxes(mail.cc),
    subject: mail.subject,
    date,
    messageId: mail.messageId ?? newMessageId(mail.from),
    inReplyTo: mail.inReplyTo ?? null,
    references: mail.references ?? [],
    text: mail.text,
    html: mail.html ?? null,
    attachments: (mail.attachments ?? []).map((a) => ({ filename: a.filename, contentType: a.contentType, content: Buffer.from(a.content, 'base64') })),
  }).forRecipients;
}

/** Builds the message as the browser does and queues it through the same service outbound.send calls. */
export function queueTestMail(db: Db, queue: OutboundQueue, clock: Clock, sender: Account, mail: TestMail): Promise<Outbound> {
  const everyone = [...mail.to, ...mail.cc, ...mail.bcc].map((e) => splitMailboxEntry(e).address);
  const envelope = mail.envelope ?? everyone;
  const bcc = mail.bcc.map((e) => splitMailboxEntry(e).address).filter((a) => envelope.some((r) => r.toLowerCase() === a.toLowerCase()));
  return queueMimeMessage(db, queue, clock, settings, sender, {
    from: mail.from,
    recipients: envelope,
    bcc,
    mime: buildTestMime(mail, mail.sendAt ?? clock.now()),
    sendAt: mail.sendAt,
  });
}
