import 'server-only';
import type { Db } from '../../db/client';
import type { PlatformEventRow, PlatformMessageRow } from '../../db/platform-schema';
import { cancelScheduledIn } from '../../db/repositories/outbound.repository';
import { findPlatformMessage, insertEvents, listEventsOf, listPlatformMessages, setPlatformStatus } from '../../db/repositories/platform.repository';
import type { Clock } from '../clock';
import { AppError } from '../errors';

export interface MessageStatus {
  id: string;
  from: string;
  status: string;
  tags: string[];
  metadata: Record<string, string>;
  created_at: string;
  send_at: string;
  recipients: { address: string; status: string; events: { type: string; at: string; detail: string | null }[] }[];
}

// A recipient's status is its latest event, except that 'accepted' never replaces a later one.
function toStatus(row: PlatformMessageRow, events: PlatformEventRow[]): MessageStatus {
  const byRecipient = new Map<string, MessageStatus['recipients'][number]>();
  for (const e of events.filter((x) => x.message_id === row.id)) {
    const r = byRecipient.get(e.recipient) ?? { address: e.recipient, status: e.type, events: [] };
    r.events.push({ type: e.type, at: e.created_at.toISOString(), detail: e.detail });
    r.status = e.type;
    byRecipient.set(e.recipient, r);
  }
  const recipients = [...byRecipient.values()];
  const final = recipients.length > 0 && recipients.every((r) => r.status !== 'accepted' && r.status !== 'deferred');
  const status = row.status === 'queued' || row.status === 'scheduled' ? (final ? 'finished' : row.status) : row.status;
  return {
    id: row.id,
    from: row.envelope_from,
    status,
    tags: row.tags,
    metadata: row.metadata,
    created_at: row.created_at.toISOString(),
    send_at: row.send_at.toISOString(),
    recipients,
  };
}

export async function messageStatus(db: Db, domain: string, id: string): Promise<MessageStatus> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new AppError('NOT_FOUND', 'That message does not exist.');
  const row = await findPlatformMessage(db, domain, id);
  if (!row) throw new AppError('NOT_FOUND', 'That message does not exist.');
  return toStatus(row, await listEventsOf(db, [row.id]));
}

/** The log of recent sends, newest first. */
export async function recentMessages(db: Db, domain: string, limit: number): Promise<MessageStatus[]> {
  const rows = await listPlatformMessages(db, domain, limit);
  const events = await listEventsOf(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((row) => toStatus(row, events));
}

/** Cancels a message still waiting for its send_at; 409 once delivery has started. */
export async function cancelMessage(db: Db, clock: Clock, domain: string, ownerId: string, id: string): Promise<MessageStatus> {
  const row = await findPlatformMessage(db, domain, id);
  if (!row) throw new AppError('NOT_FOUND', 'That message does not exist.');
  const now = clock.now();
  const cancelled = await db.transaction().execute(async (trx) => {
    const outbound = await cancelScheduledIn(trx, ownerId, id, now);
    if (!outbound) return false;
    await setPlatformStatus(trx, id, 'cancelled');
    const recipients = (await listEventsOf(trx, [id])).filter((e) => e.type === 'accepted').map((e) => e.recipient);
    await insertEvents(
      trx,
      recipients.map((recipient) => ({ message_id: id, domain, recipient, type: 'cancelled' as const, created_at: now })),
    );
    return true;
  });
  if (!cancelled && row.status !== 'cancelled') throw new AppError('INVALID_STATE', 'This message has already started going out, so it can’t be cancelled.');
  return messageStatus(db, domain, id);
}
