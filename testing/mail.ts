import { encryptBytes, utf8 } from '../crypto';
import type { Db } from '../db/client';
import { insertMessages } from '../db/repositories/message.repository';
import type { MessageSummary } from '../mime/summary';
import type { MailFolder } from '../mime/folders';

/** A summary as the SMTP sidecar would build it; override what a test cares about. */
export function testSummary(overrides: Partial<MessageSummary> = {}): MessageSummary {
  return {
    v: 1,
    from: [{ name: 'Alice Example', address: 'alice@example.com' }],
    to: [{ name: '', address: 'bob@localhost' }],
    cc: [],
    subject: 'Hello',
    date: '2026-11-21T09:00:00.000Z',
    snippet: 'Hello there',
    attachments: [],
    auth: { spf: 'pass', dkim: 'pass', dmarc: 'pass', arc: 'none' },
    messageId: '<hello@example.com>',
    parsed: true,
    ...overrides,
  };
}

export interface TestMessage {
  raw?: string | Uint8Array;
  summary?: MessageSummary | Uint8Array;
  folder?: MailFolder;
  seen?: boolean;
  receivedAt?: Date;
}

/** Stores a message encrypted to `publicKeyArmored`, the way inbound delivery does. */
export async function insertTestMessage(db: Db, userId: string, publicKeyArmored: string, message: TestMessage = {}): Promise<string> {
  const raw = typeof message.raw === 'string' ? utf8(message.raw) : (message.raw ?? utf8('Subject: Hello\r\n\r\nHello there\r\n'));
  const summary = message.summary instanceof Uint8Array ? message.summary : utf8(JSON.stringify(message.summary ?? testSummary()));
  const [rawCiphertext, summaryCiphertext] = await Promise.all([
    encryptBytes(raw, [publicKeyArmored]),
    encryptBytes(summary, [publicKeyArmored]),
  ]);
  const [row] = await insertMessages(db, [
    {
      user_id: userId,
      folder: message.folder,
      seen: message.seen,
      received_at: message.receivedAt,
      size: raw.length,
      raw_ciphertext: rawCiphertext,
      summary_ciphertext: summaryCiphertext,
    },
  ]);
  return row!.id;
}
