import 'server-only';
import type { Db } from '../../db/client';
import { insertMessages } from '../../db/repositories/message.repository';
import { notifyNewMail } from '../../db/repositories/notification.repository';
import { deleteDraft } from '../../db/repositories/draft.repository';
import { cancelScheduledIn, findOutbound } from '../../db/repositories/outbound.repository';
import { type SqlExecutor, sqlExecutor } from '../../db/pg-boss-executor';
import { uncountScheduledInternal } from '../../db/repositories/send-limit.repository';
import {
  dropCopies,
  findDueScheduledInternal,
  finishScheduledInternal,
  insertScheduledInternal,
  listPendingOfUser,
  lockScheduledInternal,
  purgeFinishedScheduledInternal,
  type ScheduledInternalSendListed,
  takeCopies,
} from '../../db/repositories/scheduled-internal.repository';
import type { ScheduledInternalStatus } from '../../db/schema';
import type { Account } from '../auth/account.service';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { Settings } from '../settings';
import { countInternalSend } from './send-limits';
import { type EncryptedCopy, checkInternalCopies, checkedCopy } from './internal-copies.service';

/**
 * Every send from the compose window is a scheduled send: an immediate one at now +
 * UNDO_SEND_SECONDS, so Undo is one cancel here and closing the tab changes nothing. The browser
 * encrypts each copy to its recipient's key, and the Sent copy to the sender's; the server checks
 * them (checkInternalCopies), keeps the ciphertexts with the send time, and a worker job files
 * them into the inboxes and the Sent folder then, deleting the draft. The server never holds a
 * plaintext, and the copies are deleted in the transaction that files them. The parts going
 * elsewhere are queued on their own (outbound.send, outbound.sendPrebuilt) for the same time; the
 * send names them, and cancelling it cancels them in the same transaction.
 */
const MAX_SCHEDULE_MS = 366 * 24 * 60 * 60 * 1000;
/** How long a filed or cancelled send's tombstone (no recipients, no content) answers a late Cancel. */
const TOMBSTONE_MS = 7 * 24 * 60 * 60 * 1000;
const LIST_LIMIT = 100;

/** Wakes a worker to file a send. The worker's pg-boss queue in production. */
export interface ScheduledInternalQueue {
  /** `tx` puts the job in the caller's transaction, so the send and its job commit together. */
  enqueueFiling(scheduledId: string, delaySeconds: number, tx?: SqlExecutor): Promise<void>;
}

export interface ScheduledInternal {
  id: string;
  from: string;
  status: ScheduledInternalStatus;
  sendAt: string;
  createdAt: string;
  finishedAt: string | null;
  /** One address per recipient mailbox; empty once the copies are filed or dropped. */
  recipients: string[];
  /** The outbound messages of the same send, cancelled with it. */
  outboundIds: string[];
  cancellable: boolean;
  /** Base64 of the Sent copy's summary, encrypted to the sender: the list shows its subject. Null once filed or cancelled. */
  summary: string | null;
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

export function rowToScheduledInternal(row: ScheduledInternalSendListed, recipients: string[], summary: Uint8Array | null = null): ScheduledInternal {
  return {
    id: row.id,
    from: row.from_address,
    status: row.status,
    sendAt: row.send_at.toISOString(),
    createdAt: row.created_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
    recipients,
    outboundIds: row.outbound_ids,
    cancellable: row.status === 'scheduled',
    summary: summary ? base64(summary) : null,
  };
}

export interface ScheduleInternalInput {
  from: string;
  recipients: (EncryptedCopy & { address: string })[];
  /** The sender's Sent copy, filed with the recipients' copies. */
  sent?: EncryptedCopy;
  /** The draft this send replaces: deleted when the send is filed, kept if it is cancelled. */
  draftId?: string;
  /** The sender's outbound messages of the same send (still scheduled), cancelled with it. */
  outboundIds?: string[];
  /** Omitted: now + UNDO_SEND_SECONDS, the undo window. */
  sendAt?: Date;
}

export async function scheduleInternal(
  db: Db,
  queue: ScheduledInternalQueue,
  clock: Clock,
  settings: Settings,
  sender: Account,
  input: ScheduleInternalInput,
): Promise<ScheduledInternal> {
  if (input.recipients.length === 0 && !input.sent) throw new AppError('BAD_INPUT', 'Add at least one recipient.');
  const checked = await checkInternalCopies(db, settings, sender, input);
  const sent = input.sent ? await checkedCopy(settings, input.sent, checked.senderKey, 'your Sent folder') : undefined;
  const now = clock.now();
  const requested = input.sendAt ?? new Date(now.getTime() + settings.undoSendSeconds * 1000);
  if (requested.getTime() > now.getTime() + MAX_SCHEDULE_MS) throw new AppError('BAD_INPUT', 'A message can be scheduled at most a year ahead.');
  // A time already past (a slow upload, a skewed browser clock) means as soon as possible.
  const sendAt = requested.getTime() < now.getTime() ? now : requested;
  const outboundIds = [...new Set(input.outboundIds ?? [])];
  for (const id of outboundIds) {
    const outbound = await findOutbound(db, id);
    if (!outbound || outbound.user_id !== sender.id) throw new AppError('NOT_FOUND', 'That message does not exist.');
  }

  const row = await db.transaction().execute(async (trx) => {
    const inserted = await insertScheduledInternal(trx, {
      user_id: sender.id,
      from_address: checked.from,
      send_at: sendAt,
      created_at: now,
      copies: checked.recipients.map((c) => ({
        user_id: c.userId,
        address: c.address,
        size: c.size,
        raw_ciphertext: c.raw_ciphertext,
        summary_ciphertext: c.summary_ciphertext,
        origin_ciphertext: c.origin_ciphertext,
      })),
      ...(sent ? { sent: { raw_ciphertext: sent.raw_ciphertext, summary_ciphertext: sent.summary_ciphertext, size: sent.size } } : {}),
      ...(input.draftId ? { draft_id: input.draftId } : {}),
      outbound_ids: outboundIds,
    });
    // Counted when scheduled, as outbound mail is; a cancel takes it back.
    if (checked.recipients.length) await countInternalSend(trx, settings, sender.id, checked.recipients.length, now, inserted.id);
    await queue.enqueueFiling(inserted.id, (sendAt.getTime() - now.getTime()) / 1000, sqlExecutor(trx));
    return inserted;
  });
  return rowToScheduledInternal(row, checked.recipients.map((c) => c.address).sort(), sent?.summary_ciphertext ?? null);
}

/** The sender's sends still waiting, soonest first. */
export async function listScheduledInternal(db: Db, sender: Account): Promise<ScheduledInternal[]> {
  const rows = await listPendingOfUser(db, sender.id, LIST_LIMIT);
  return rows.map(({ addresses, sent_summary_ciphertext, ...row }) => rowToScheduledInternal(row, addresses, sent_summary_ciphertext));
}

/**
 * Cancels a send until it is filed: drops its copies and its Sent copy, and cancels its outbound
 * parts, all in one transaction; if one of those parts has started going out, nothing is cancelled. Idempotent for a send already
 * cancelled. Filing holds the same row lock, so a Cancel racing the worker either wins (nothing is
 * filed) or waits for it and is refused.
 */
export async function cancelScheduledInternal(db: Db, clock: Clock, sender: Account, id: string): Promise<ScheduledInternal> {
  const outcome = await db.transaction().execute(async (trx) => {
    const row = await lockScheduledInternal(trx, id);
    if (!row || row.user_id !== sender.id) return null;
    if (row.status !== 'scheduled') return { row, recipients: [] };
    const now = clock.now();
    // All or nothing: a part for elsewhere that has started going out keeps the whole send going
    // (throwing rolls back the parts already cancelled here).
    for (const outboundId of row.outbound_ids) {
      if (await cancelScheduledIn(trx, sender.id, outboundId, now)) continue;
      const part = await findOutbound(trx, outboundId);
      if (part && part.status !== 'cancelled') {
        throw new AppError('INVALID_STATE', "This message has already started going out, so it can't be cancelled.", { status: part.status });
      }
    }
    const recipients = await dropCopies(trx, id);
    await finishScheduledInternal(trx, id, 'cancelled', now);
    await uncountScheduledInternal(trx, id);
    return { row: { ...row, status: 'cancelled' as const, finished_at: now }, recipients };
  });
  if (!outcome) throw new AppError('NOT_FOUND', 'That message does not exist.');
  if (outcome.row.status === 'delivered') {
    throw new AppError('INVALID_STATE', "This message has already been delivered, so it can't be cancelled.", { status: outcome.row.status });
  }
  return rowToScheduledInternal(outcome.row, outcome.recipients);
}

export type FilingReport = { outcome: 'filed'; delivered: number } | { outcome: 'not-due'; sendAt: Date } | { outcome: 'gone' };

/**
 * Files a due send into its recipients' inboxes: the inserts, the deletion of the copies, the
 * status change and the NOTIFY that wakes the open inboxes commit together, under the send's row
 * lock. A duplicate or repeated job finds the send no longer 'scheduled' and files nothing.
 */
export async function fileScheduledInternal(db: Db, clock: Clock, id: string): Promise<FilingReport> {
  return db.transaction().execute(async (trx): Promise<FilingReport> => {
    const row = await lockScheduledInternal(trx, id);
    if (!row || row.status !== 'scheduled') return { outcome: 'gone' };
    const now = clock.now();
    if (row.send_at.getTime() > now.getTime()) return { outcome: 'not-due', sendAt: row.send_at };
    const copies = await takeCopies(trx, id);
    const sent =
      row.sent_raw_ciphertext && row.sent_summary_ciphertext
        ? [
            {
              user_id: row.user_id,
              folder: 'sent',
              seen: true,
              received_at: now,
              size: row.sent_size ?? 0,
              raw_ciphertext: row.sent_raw_ciphertext,
              summary_ciphertext: row.sent_summary_ciphertext,
            },
          ]
        : [];
    await insertMessages(trx, [
      ...copies.map((c) => ({
        user_id: c.user_id,
        received_at: now,
        size: c.size,
        raw_ciphertext: c.raw_ciphertext,
        summary_ciphertext: c.summary_ciphertext,
        origin_ciphertext: c.origin_ciphertext,
      })),
      ...sent,
    ]);
    if (row.draft_id) await deleteDraft(trx, row.user_id, row.draft_id);
    await finishScheduledInternal(trx, id, 'delivered', now);
    await notifyNewMail(trx, [...copies.map((c) => c.user_id), ...sent.map((s) => s.user_id)]);
    return { outcome: 'filed', delivered: copies.length };
  });
}

/**
 * Re-queues sends that are due but still waiting (their job was lost), and drops old tombstones.
 * `graceMs` keeps it from doubling jobs that are merely waiting their turn in a busy queue;
 * a doubled job would file nothing twice anyway.
 */
export async function sweepScheduledInternal(
  db: Db,
  queue: ScheduledInternalQueue,
  clock: Clock,
  graceMs = 60_000,
): Promise<{ requeued: number; purged: number }> {
  const now = clock.now();
  const due = await findDueScheduledInternal(db, new Date(now.getTime() - graceMs), 500);
  for (const row of due) await queue.enqueueFiling(row.id, 0);
  const purged = await purgeFinishedScheduledInternal(db, new Date(now.getTime() - TOMBSTONE_MS));
  return { requeued: due.length, purged };
}
