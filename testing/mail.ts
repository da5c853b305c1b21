import { decryptBytes, encryptBytes, encryptBytesSharingKey, fromBase64, fromUtf8, readPrivateKey, toBase64, utf8 } from '../crypto';
import type { Db } from '../db/client';
import { insertMessages } from '../db/repositories/message.repository';
import type { MessageSummary } from '../mime/summary';
import type { MailFolder } from '../mime/folders';
import type { TestUser } from './factories';

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
    references: [],
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
  const [rawCiphertext, summaryCiphertext] = await Promise.all([encryptBytes(raw, [publicKeyArmored]), encryptBytes(summary, [publicKeyArmored])]);
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

/** Who a copy is for: a test user, or an address with someone's key (to test a mismatch). */
export type CopyTarget = TestUser | { address: string; publicKeyArmored: string };

/**
 * One copy of a message as the browser uploads it (compose.scheduleInternal, saveDraft): raw bytes
 * and summary encrypted together to the target's key, base64, with the plaintext size.
 */
export async function copyFor(to: CopyTarget, raw: string, summary: object = { v: 1, subject: 'x' }) {
  const address = 'account' in to ? to.account.address : to.address;
  const [rawCt, summaryCt] = await encryptBytesSharingKey([utf8(raw), utf8(JSON.stringify(summary))], [to.publicKeyArmored]);
  return { address, raw: toBase64(rawCt!), summary: toBase64(summaryCt!), size: raw.length };
}

/** Decrypts ciphertext (bytes, or base64 as the API returns it) with the user's key, as text. */
export async function decryptText(user: TestUser, data: Uint8Array | string): Promise<string> {
  const bytes = typeof data === 'string' ? fromBase64(data) : data;
  const result = await decryptBytes(bytes, await readPrivateKey(user.privateKeyArmored));
  if (result.status !== 'ok') throw new Error(result.reason);
  return fromUtf8(result.data);
}
