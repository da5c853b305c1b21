import 'server-only';
import type { Db } from '../../db/client';
import { insertAuditEvent } from '../../db/repositories/audit.repository';
import { type DeadLetterListRow, findDeadLetter, listDeadLetters as listRows, markDeadLetterRetried } from '../../db/repositories/dead-letter.repository';
import { findOutbound, requeueRecipient } from '../../db/repositories/outbound.repository';
import { sqlExecutor } from '../../db/pg-boss-executor';
import type { Account } from '../auth/account.service';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { OutboundQueue } from './queue';
import { expiryFrom } from './retry-schedule';

/** A recipient that could not be delivered to, as admins see it. */
export interface DeadLetter {
  id: string;
  outboundId: string;
  sender: { userId: string; username: string; address: string };
  recipient: string;
  statusCode: string;
  reason: string;
  lastReply: string | null;
  createdAt: string;
  retriedAt: string | null;
  /** False once the sealed copy is gone (DEAD_LETTER_RETENTION_HOURS passed): nothing to resend. */
  retryable: boolean;
}

export function rowToDeadLetter(row: DeadLetterListRow): DeadLetter {
  return {
    id: row.id,
    outboundId: row.outbound_id,
    sender: { userId: row.user_id, username: row.username, address: row.envelope_from },
    recipient: row.recipient,
    statusCode: row.status_code,
    reason: row.reason,
    lastReply: row.last_reply,
    createdAt: row.created_at.toISOString(),
    retriedAt: row.retried_at?.toISOString() ?? null,
    retryable: row.retryable && row.retried_at === null,
  };
}

function assertAdmin(actor: Account) {
  if (!actor.isAdmin) throw new AppError('FORBIDDEN', 'Only an administrator can see and retry dead letters.');
}

export async function listDeadLetters(
  db: Db,
  actor: Account,
  opts: { limit: number; openOnly: boolean; before?: { createdAt: Date; id: string } },
): Promise<DeadLetter[]> {
  assertAdmin(actor);
  return (await listRows(db, opts)).map(rowToDeadLetter);
}

/**
 * Puts a dead letter's recipient back in the queue with a fresh five-day window. The sender gets
 * another bounce if it fails again.
 */
export async function retryDeadLetter(db: Db, queue: OutboundQueue, clock: Clock, actor: Account, id: string): Promise<void> {
  assertAdmin(actor);
  const letter = await findDeadLetter(db, id);
  if (!letter) throw new AppError('NOT_FOUND', 'That dead letter does not exist.');
  if (letter.retried_at) throw new AppError('INVALID_STATE', 'That dead letter was already retried.');
  const message = await findOutbound(db, letter.outbound_id);
  if (!message?.sealed_mime) {
    throw new AppError(
      'INVALID_STATE',
      "The message's content was deleted when its retention ended, so it can't be sent again. Ask the sender to send it again.",
    );
  }
  // The worker that holds a message decides its final status from what it loaded: let it finish first.
  if (message.status === 'sending') throw new AppError('INVALID_STATE', 'The message is being delivered right now. Try again in a minute.');
  const now = clock.now();
  await db.transaction().execute(async (trx) => {
    if (!(await markDeadLetterRetried(trx, id, now))) throw new AppError('INVALID_STATE', 'That dead letter was already retried.');
    if (!(await requeueRecipient(trx, letter.recipient_id, letter.outbound_id, now, expiryFrom(now)))) {
      throw new AppError('INVALID_STATE', 'The message is being delivered right now. Try again in a minute.');
    }
    await queue.enqueueDelivery(letter.outbound_id, 0, sqlExecutor(trx));
  });
  await insertAuditEvent(db, { event: 'outbound.dead-letter-retried', user_id: actor.id, details: { deadLetterId: id, outboundId: letter.outbound_id } });
}
