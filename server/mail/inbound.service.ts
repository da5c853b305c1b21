import { encryptBytesSharingKey, utf8 } from '../../crypto';
import type { Db } from '../../db/client';
import { type InboundCopy, storeInboundMessages } from '../../db/repositories/inbound.repository';
import { findPublicKeys } from '../../db/repositories/recipient.repository';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import { authenticateMessage } from './authentication';
import type { DnsResolver } from './dns';
import { buildSummary } from './summary';

/**
 * Inbound delivery: authenticate, encrypt to every recipient's key, commit all copies at once.
 * Plaintext exists only in memory here. Every failure is an AppError('UNAVAILABLE') whose details
 * name the stage and an error code, never the message text of the cause (it may quote the mail).
 */
export interface InboundDeps {
  db: Db;
  clock: Clock;
  resolver: DnsResolver;
  /** authserv-id of the Authentication-Results header: the instance's mail domain. */
  authservId: string;
}

export interface InboundMessage {
  /** The message as received: CRLF lines, dot-stuffing removed. */
  raw: Buffer;
  /** MAIL FROM, '' for the null sender. */
  envelopeFrom: string;
  /** Recipient user ids, as routing resolved them at RCPT. */
  recipients: string[];
  client: { ip: string; helo: string };
}

export interface DeliveryResult {
  /** The id of the first stored copy: what the 250 reply names, and what the log lines carry. */
  queueId: string;
  messageIds: string[];
}

export type DeliveryStage = 'database' | 'key' | 'encryption';

function unavailable(stage: DeliveryStage, cause?: unknown): AppError {
  const code = (cause as { code?: unknown } | undefined)?.code;
  return new AppError('UNAVAILABLE', 'Mail could not be stored; the sender should retry.', {
    stage,
    ...(typeof code === 'string' ? { errorCode: code } : {}),
    ...(cause instanceof Error ? { errorName: cause.name } : {}),
  });
}

export async function deliverInbound(deps: InboundDeps, message: InboundMessage): Promise<DeliveryResult> {
  // One copy per mailbox, however many of its addresses (aliases, catch-all) the envelope named.
  const recipients = [...new Set(message.recipients)];
  if (recipients.length === 0) throw new AppError('BAD_INPUT', 'A message needs at least one recipient.');

  // Read while mailauth waits on DNS; keys are read per message, never cached, so a new key counts at once.
  const keysPromise = findPublicKeys(deps.db, recipients).catch((err: unknown) => {
    throw unavailable('database', err);
  });
  // If the lookup fails fast, its rejection must not go unhandled while mailauth still runs.
  keysPromise.catch(() => undefined);

  const auth = await authenticateMessage(message.raw, {
    ip: message.client.ip,
    helo: message.client.helo,
    sender: message.envelopeFrom,
    authservId: deps.authservId,
    resolver: deps.resolver,
  });
  const stored = Buffer.concat([auth.header, message.raw]);
  const summary = await buildSummary({ raw: message.raw, auth: auth.results, envelopeFrom: message.envelopeFrom });
  const summaryBytes = utf8(JSON.stringify(summary));

  const keys = new Map((await keysPromise).map((row) => [row.id, row.public_key]));
  const receivedAt = deps.clock.now();
  const rows: InboundCopy[] = [];
  for (const userId of recipients) {
    const key = keys.get(userId);
    // Fail closed: no usable key means no copy at all, never a plaintext one.
    if (!key) throw unavailable('key');
    let rawCiphertext: Uint8Array;
    let summaryCiphertext: Uint8Array;
    try {
      // One session key for the pair: they go to the same key, and the public-key step is the
      // costliest part of encrypting (see crypto/shared-session.ts).
      [rawCiphertext, summaryCiphertext] = (await encryptBytesSharingKey([stored, summaryBytes], [key])) as [Uint8Array, Uint8Array];
    } catch (err) {
      throw unavailable('encryption', err);
    }
    rows.push({
      user_id: userId,
      received_at: receivedAt,
      size: message.raw.length,
      raw_ciphertext: rawCiphertext,
      summary_ciphertext: summaryCiphertext,
    });
  }

  try {
    const inserted = await storeInboundMessages(deps.db, rows);
    return { queueId: inserted[0]!.id, messageIds: inserted.map((row) => row.id) };
  } catch (err) {
    throw unavailable('database', err);
  }
}
