import 'server-only';
import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/client';
import { cancelScheduled, findOutbound, listOutboundOfUser, listRecipients } from '../../db/repositories/outbound.repository';
import { type SqlExecutor, sqlExecutorLockingSender } from '../../db/pg-boss-executor';
import { lockSenderLimits } from '../../db/repositories/send-limit.repository';
import type { OutboundMessageRow, OutboundRecipientRow, OutboundStatus, RecipientStatus } from '../../db/schema';
import type { Account } from '../auth/account.service';
import type { Clock } from '../clock';
import { sealBytesAtRest } from '../secrets';
import { OUTBOUND_SEAL_PURPOSE, type OutboundQueue } from '../delivery/queue';
import { AppError } from '../errors';
import type { Settings } from '../settings';
import { dkimSign } from './dkim-sign';
import { externalAddress } from './envelope';
import { checkPlainMime } from './mime-check';
import { expiryFrom } from '../delivery/retry-schedule';
import { insertWithinLimits } from './send-limits';
import { checkPgpMime, toCrlf } from './pgp-mime';
import { type SendingIdentity, resolveSendingIdentity } from './sending-identity';
import type { RecipientKey } from './recipient-keys';

export const MAX_RECIPIENTS = 100;
const MAX_SCHEDULE_MS = 366 * 24 * 60 * 60 * 1000;

export interface OutboundRecipient {
  address: string;
  status: RecipientStatus;
  attempts: number;
  lastReply: string | null;
  nextAttemptAt: string | null;
}

export interface Outbound {
  id: string;
  from: string;
  status: OutboundStatus;
  sendAt: string;
  createdAt: string;
  finishedAt: string | null;
  nextAttemptAt: string | null;
  attempts: number;
  size: number;
  /** Undo send / cancel a scheduled send: possible until delivery starts. */
  cancellable: boolean;
  recipients: OutboundRecipient[];
}

export function rowToOutbound(row: OutboundMessageRow, recipients: OutboundRecipientRow[]): Outbound {
  return {
    id: row.id,
    from: row.envelope_from,
    status: row.status,
    sendAt: row.send_at.toISOString(),
    createdAt: row.created_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
    nextAttemptAt: row.next_attempt_at?.toISOString() ?? null,
    attempts: row.attempts,
    size: row.size,
    cancellable: row.status === 'scheduled',
    recipients: recipients
      .filter((r) => r.outbound_id === row.id)
      .map((r) => ({
        address: r.address,
        status: r.status,
        attempts: r.attempts,
        lastReply: r.last_reply,
        nextAttemptAt: r.next_attempt_at?.toISOString() ?? null,
      })),
  };
}

/** Envelope recipients, deduplicated by address; the count is bounded like a message's. */
function envelopeRecipients(entries: string[]): { address: string; domain: string }[] {
  const recipients = new Map<string, { address: string; domain: string }>();
  for (const entry of entries) {
    const box = externalAddress(entry);
    recipients.set(box.address.toLowerCase(), box);
  }
  if (recipients.size === 0) throw new AppError('BAD_INPUT', 'Add at least one recipient.');
  if (recipients.size > MAX_RECIPIENTS) throw new AppError('BAD_INPUT', `A message can have at most ${MAX_RECIPIENTS} recipients.`);
  return [...recipients.values()];
}

/** When a message goes: `sendAt`, or after the undo window; never in the past, at most a year ahead. */
function sendTime(settings: Settings, now: Date, sendAt: Date | undefined): Date {
  const at = sendAt ?? new Date(now.getTime() + settings.undoSendSeconds * 1000);
  if (at.getTime() > now.getTime() + MAX_SCHEDULE_MS) throw new AppError('BAD_INPUT', 'A message can be scheduled at most a year ahead.');
  return at.getTime() < now.getTime() ? now : at;
}

export interface MimeSendInput {
  from: string;
  /** Envelope recipients: everyone this copy goes to. */
  recipients: string[];
  /** Those of `recipients` that the headers don't name (Bcc): the message itself has no Bcc header. */
  bcc?: string[];
  /** The finished RFC 5322 message the browser built: the same bytes as its Sent copy. */
  mime: Uint8Array;
  sendAt?: Date;
}

/**
 * Queues a message the browser built for recipients elsewhere who have no OpenPGP key. The server
 * builds nothing: it checks the message (see checkPlainMime: From is the sending address, no Bcc
 * header, the envelope matches the headers) and its size, then DKIM-signs, seals and queues it.
 * It waits in 'scheduled' until `sendAt` (default: now + UNDO_SEND_SECONDS, the undo window);
 * until then it can be cancelled.
 */
export async function queueMimeMessage(
  db: Db,
  queue: OutboundQueue,
  clock: Clock,
  settings: Settings,
  sender: Account,
  input: MimeSendInput,
): Promise<Outbound> {
  const recipients = envelopeRecipients(input.recipients);
  const identity = await resolveSendingIdentity(db, settings.mailDomain, sender, input.from);
  const now = clock.now();
  const effectiveSendAt = sendTime(settings, now, input.sendAt);
  const mime = checkMessageSize(settings, toCrlf(input.mime));
  await checkPlainMime(mime, identity.address, { recipients: recipients.map((r) => r.address), bcc: input.bcc ?? [] });
  const signed = await dkimSign(mime, identity);
  return queueSigned(db, queue, settings, sender, { identity, signed, recipients, now, sendAt: effectiveSendAt });
}

export interface PrebuiltInput {
  from: string;
  /** Envelope recipients: every one must have an OpenPGP key the message is encrypted to. */
  recipients: string[];
  /** Those of `recipients` that the headers don't name (Bcc). */
  bcc?: string[];
  /** The finished PGP/MIME message the browser built and encrypted. */
  mime: Uint8Array;
  sendAt?: Date;
}

/**
 * Queues a PGP/MIME message the browser encrypted to external recipients' keys. The server only
 * checks it (see checkPgpMime: From is the sender's, no Bcc header, and its one encrypted part is
 * encrypted to the key of every envelope recipient, the key `keys` hands out for them), then
 * DKIM-signs, seals and queues it like any other.
 */
export async function queuePrebuiltMessage(
  db: Db,
  queue: OutboundQueue,
  clock: Clock,
  settings: Settings,
  sender: Account,
  input: PrebuiltInput,
  keys: (addresses: string[]) => Promise<RecipientKey[]>,
): Promise<Outbound> {
  const recipients = envelopeRecipients(input.recipients);
  const identity = await resolveSendingIdentity(db, settings.mailDomain, sender, input.from);
  const now = clock.now();
  const effectiveSendAt = sendTime(settings, now, input.sendAt);
  const mime = checkMessageSize(settings, toCrlf(input.mime));
  const found = new Map((await keys(recipients.map((r) => r.address))).map((k) => [k.address.toLowerCase(), k]));
  const recipientKeys = recipients.map(({ address }) => {
    const key = found.get(address.toLowerCase());
    if (key?.kind === 'external-pgp') return { address, publicKey: key.publicKey };
    const why =
      key?.kind === 'internal' ? 'is on this server, so their copy is filed in their mailbox instead' : 'has no OpenPGP key that the server can find now';
    throw new AppError('BAD_INPUT', `${address} ${why}. Send the message again.`, { address });
  });
  await checkPgpMime(mime, identity.address, recipientKeys, { recipients: recipients.map((r) => r.address), bcc: input.bcc ?? [] });
  const signed = await dkimSign(mime, identity);
  return queueSigned(db, queue, settings, sender, { identity, signed, recipients, now, sendAt: effectiveSendAt });
}

function checkMessageSize(settings: Settings, message: Buffer): Buffer {
  if (message.length > settings.maxMessageBytes) {
    throw new AppError(
      'BAD_INPUT',
      `The message is ${Math.ceil(message.length / 1048576)} MB; the limit is ${Math.floor(settings.maxMessageBytes / 1048576)} MB.`,
    );
  }
  return message;
}

/** Seals a signed message and commits it, its recipients and its delivery job in one transaction. */
async function queueSigned(
  db: Db,
  queue: OutboundQueue,
  settings: Settings,
  sender: Account,
  {
    identity,
    signed,
    recipients,
    now,
    sendAt,
  }: { identity: SendingIdentity; signed: Buffer; recipients: { address: string; domain: string }[]; now: Date; sendAt: Date },
): Promise<Outbound> {
  checkMessageSize(settings, signed);
  const sealed = sealBytesAtRest(signed, OUTBOUND_SEAL_PURPOSE);
  const { message, recipients: recipientRows } = await db.transaction().execute(async (trx) => {
    const id = randomUUID();
    // The job goes in first, in the statement that also takes the sender's limit lock (one round
    // trip fewer); the limit check after it sees every send of theirs that committed before.
    const job = sqlExecutorLockingSender(trx, sender.id);
    await queue.enqueueDelivery(id, (sendAt.getTime() - now.getTime()) / 1000, job);
    if (!job.locked) await lockSenderLimits(trx, sender.id);
    // Inserted only if its recipients fit the sender's limits; else SEND_LIMIT_REACHED rolls the job back too.
    return insertWithinLimits(
      trx,
      settings,
      {
        id,
        user_id: sender.id,
        envelope_from: identity.address,
        sealed_mime: sealed,
        size: signed.length,
        send_at: sendAt,
        created_at: now,
        recipients,
        expires_at: expiryFrom(sendAt),
      },
      now,
    );
  });
  return rowToOutbound(message, recipientRows);
}

/** Undo send, or cancel a scheduled send. Idempotent for a message already cancelled. */
export async function cancelOutbound(db: Db, clock: Clock, sender: Account, id: string): Promise<Outbound> {
  const cancelled = await cancelScheduled(db, sender.id, id, clock.now());
  const row = cancelled ?? (await findOutbound(db, id));
  if (!row || row.user_id !== sender.id) throw new AppError('NOT_FOUND', 'That message does not exist.');
  if (row.status !== 'cancelled') {
    const done = row.status === 'delivered' || row.status === 'partially-failed' || row.status === 'bounced';
    throw new AppError('INVALID_STATE', `This message has already ${done ? 'been sent' : 'started going out'}, so it can't be cancelled.`, {
      status: row.status,
    });
  }
  return rowToOutbound(row, await listRecipients(db, [row.id]));
}

export async function listOutbound(db: Db, sender: Account, opts: { limit: number; before?: Date }): Promise<Outbound[]> {
  const rows = await listOutboundOfUser(db, sender.id, opts.limit, opts.before);
  const recipients = await listRecipients(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((row) => rowToOutbound(row, recipients));
}
