import { encryptBytesSharingKey, utf8 } from '../../crypto';
import type { Db } from '../../db/client';
import { insertDeadLetters } from '../../db/repositories/dead-letter.repository';
import { storeInboundMessages } from '../../db/repositories/inbound.repository';
import { findPublicKeys } from '../../db/repositories/recipient.repository';
import type { OutboundMessageRow } from '../../db/schema';
import { AppError } from '../errors';
import { buildSummary } from '../mail/summary-builder';
import { type FailedRecipient, buildDsn } from './dsn';

/**
 * Final failure of some recipients: one DSN for all of them goes into the sender's inbox,
 * encrypted to the sender's key like inbound mail (raw message + summary, pg_notify), and each
 * gets a dead-letter row. prepareBounce does the CPU work outside any transaction; storeBounce
 * writes, inside the transaction that also records the recipients as failed, so a crash can't
 * record a failure without telling the sender, or the other way round.
 */
export interface Bounce extends FailedRecipient {
  recipientId: string;
  /** Never tried: the message couldn't be made ready here. The recipient's address is not to blame. */
  local?: boolean;
}

export interface BounceContext {
  reportingMta: string;
  mailDomain: string;
  now: Date;
}

export interface PreparedBounce {
  bounces: Bounce[];
  size: number;
  raw: Uint8Array;
  summary: Uint8Array;
}

// A report we wrote ourselves: nothing was authenticated, and the summary says so.
const NOT_AUTHENTICATED = { spf: 'none', dkim: 'none', dmarc: 'none', arc: 'none' };

export async function prepareBounce(
  db: Db,
  message: OutboundMessageRow,
  originalHeaders: Buffer,
  bounces: Bounce[],
  context: BounceContext,
): Promise<PreparedBounce> {
  const [key] = await findPublicKeys(db, [message.user_id]);
  // Fail closed, as inbound does: no key, no report (the job is retried).
  if (!key) throw new AppError('UNAVAILABLE', 'The sender has no public key to encrypt the bounce to.');
  const dsn = buildDsn({
    reportingMta: context.reportingMta,
    mailDomain: context.mailDomain,
    to: message.envelope_from,
    originalHeaders,
    arrivalDate: message.created_at,
    now: context.now,
    failures: bounces,
  });
  const summary = await buildSummary({ raw: dsn, auth: NOT_AUTHENTICATED, envelopeFrom: '' });
  const [raw, summaryCiphertext] = (await encryptBytesSharingKey([dsn, utf8(JSON.stringify(summary))], [key.public_key])) as [Uint8Array, Uint8Array];
  return { bounces, size: dsn.length, raw, summary: summaryCiphertext };
}

/** Run in the transaction that records the failures. */
export async function storeBounce(trx: Db, message: OutboundMessageRow, bounce: PreparedBounce, now: Date): Promise<void> {
  await insertDeadLetters(
    trx,
    bounce.bounces.map((b) => ({
      outbound_id: message.id,
      recipient_id: b.recipientId,
      recipient: b.address,
      status_code: b.status,
      reason: b.reason,
      last_reply: b.reply,
      created_at: now,
    })),
  );
  await storeInboundMessages(trx, [
    { user_id: message.user_id, received_at: now, size: bounce.size, raw_ciphertext: bounce.raw, summary_ciphertext: bounce.summary },
  ]);
}
