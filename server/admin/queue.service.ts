import 'server-only';
import type { Db } from '../../db/client';
import { cancelQueuedOutbound, deleteDeadLetter, listPendingRecipients, makeOutboundDue } from '../../db/repositories/admin-queue.repository';
import { sqlExecutor } from '../../db/pg-boss-executor';
import type { Account } from '../auth/account.service';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { OutboundQueue } from '../delivery/queue';
import { auditAdminAction } from './admin-audit';

/** One recipient waiting in the outbound queue, as the admin sees it (addresses, never content). */
export interface QueueEntry {
  recipientId: string;
  outboundId: string;
  sender: string;
  from: string;
  recipient: string;
  status: 'queued' | 'sending' | 'deferred';
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  expiresAt: string;
  createdAt: string;
}

export async function listQueue(db: Db, opts: { status?: 'queued' | 'deferred'; limit: number }): Promise<QueueEntry[]> {
  return (await listPendingRecipients(db, opts)).map((row) => ({
    recipientId: row.recipient_id,
    outboundId: row.outbound_id,
    sender: row.username,
    from: row.envelope_from,
    recipient: row.address,
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_reply,
    nextAttemptAt: row.next_attempt_at?.toISOString() ?? null,
    expiresAt: row.expires_at.toISOString(),
    createdAt: row.created_at.toISOString(),
  }));
}

const BUSY = 'The message is being delivered right now. Try again in a minute.';

/** Tries a waiting message now instead of at its next scheduled attempt. */
export async function retryQueued(db: Db, queue: OutboundQueue, clock: Clock, actor: Account, outboundId: string, ip: string | null): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (!(await makeOutboundDue(trx, outboundId, clock.now()))) throw new AppError('INVALID_STATE', BUSY);
    await queue.enqueueDelivery(outboundId, 0, sqlExecutor(trx));
  });
  await auditAdminAction(db, actor, 'queue.retried', { outboundId }, ip);
}

/** Takes a waiting message out of the queue; its sealed copy is deleted. The sender is not told. */
export async function deleteQueued(db: Db, clock: Clock, actor: Account, outboundId: string, ip: string | null): Promise<void> {
  if (!(await cancelQueuedOutbound(db, outboundId, clock.now()))) throw new AppError('INVALID_STATE', BUSY);
  await auditAdminAction(db, actor, 'queue.deleted', { outboundId }, ip);
}

export async function dismissDeadLetter(db: Db, actor: Account, id: string, ip: string | null): Promise<void> {
  const row = await deleteDeadLetter(db, id);
  if (!row) throw new AppError('NOT_FOUND', 'That dead letter does not exist.');
  await auditAdminAction(db, actor, 'dead-letter.deleted', { deadLetterId: id, outboundId: row.outbound_id }, ip);
}
