import 'server-only';
import type { Db } from '../../db/client';
import { type NewOutbound, insertOutboundWithinLimits } from '../../db/repositories/outbound.repository';
import {
  type SendingUsage,
  findSendLimits,
  insertInternalSendWithinLimits,
  lockSenderLimits,
  recentSends,
  sendingUsage,
  upsertSendLimits,
} from '../../db/repositories/send-limit.repository';
import type { OutboundMessageRow, OutboundRecipientRow } from '../../db/schema';
import { findUserByUsername } from '../../db/repositories/user.repository';
import type { Account } from '../auth/account.service';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { Settings } from '../settings';

/**
 * Per-user sending limits, counted in recipients: a message to three people counts as three
 * messages, the way a receiving provider counts them. Cancelled sends don't count.
 */
export interface SendLimits {
  perHour: number;
  perDay: number;
  /** Whether an admin set them for this user, rather than the server defaults. */
  custom: boolean;
}

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** The server's defaults (SEND_LIMIT_PER_HOUR, SEND_LIMIT_PER_DAY), for users without their own. */
export type DefaultLimits = Pick<Settings, 'sendLimitPerHour' | 'sendLimitPerDay'>;

export async function effectiveLimits(db: Db, defaults: DefaultLimits, userId: string): Promise<SendLimits> {
  const row = await findSendLimits(db, userId);
  return {
    perHour: row?.per_hour ?? defaults.sendLimitPerHour,
    perDay: row?.per_day ?? defaults.sendLimitPerDay,
    custom: row !== undefined,
  };
}

/** HH:MM UTC: the server doesn't know the user's time zone; the ISO time goes in the details. */
const clockTime = (d: Date) => `${d.toISOString().slice(11, 16)} UTC`;

/**
 * Inserts the message and its recipients if they fit the sender's limits, in one statement, and
 * otherwise throws SEND_LIMIT_REACHED, saying when enough of the window will have passed. Run it in
 * the transaction that inserts the message's job, after lockSenderLimits (or the job insert that
 * took that lock), so two sends can't both pass.
 */
export async function insertWithinLimits(
  db: Db,
  defaults: DefaultLimits,
  row: NewOutbound,
  now: Date,
): Promise<{ message: OutboundMessageRow; recipients: OutboundRecipientRow[] }> {
  const { inserted, usage } = await insertOutboundWithinLimits(db, row, windowsAt(now, defaults));
  if (inserted) return inserted;
  throw await refused(db, defaults, row.user_id, row.recipients.length, now, usage);
}

/**
 * Counts a send to `count` mailboxes on this instance against the sender's limits, or throws
 * SEND_LIMIT_REACHED. Mail between users here is limited too: an account taken over must not be
 * able to flood everyone on the server. Run it in the transaction that files the copies.
 */
export async function countInternalSend(db: Db, defaults: DefaultLimits, userId: string, count: number, now: Date, scheduledId?: string): Promise<void> {
  await lockSenderLimits(db, userId);
  const { counted, usage } = await insertInternalSendWithinLimits(
    db,
    { user_id: userId, recipient_count: count, created_at: now, scheduled_id: scheduledId },
    windowsAt(now, defaults),
  );
  if (!counted) throw await refused(db, defaults, userId, count, now, usage);
}

const windowsAt = (now: Date, defaults: DefaultLimits) => ({
  hourStart: new Date(now.getTime() - HOUR_MS),
  dayStart: new Date(now.getTime() - DAY_MS),
  defaultPerHour: defaults.sendLimitPerHour,
  defaultPerDay: defaults.sendLimitPerDay,
});

async function refused(db: Db, defaults: DefaultLimits, userId: string, count: number, now: Date, usage: SendingUsage): Promise<AppError> {
  const error = await refusal(db, defaults, userId, count, now, usage);
  // The statement refused with the same numbers, so one of the windows is over.
  if (!error) throw new Error('the send limit check and its explanation disagree');
  return error;
}

/** The SEND_LIMIT_REACHED error for `count` more recipients on top of `used`, or undefined if they fit. */
async function refusal(db: Db, defaults: DefaultLimits, userId: string, count: number, now: Date, used: SendingUsage): Promise<AppError | undefined> {
  const windows = [
    { limit: used.perDay ?? defaults.sendLimitPerDay, span: DAY_MS, unit: 'day', used: used.day },
    { limit: used.perHour ?? defaults.sendLimitPerHour, span: HOUR_MS, unit: 'hour', used: used.hour },
  ];
  for (const { limit, span, unit, used: inWindow } of windows) {
    if (inWindow + count <= limit) continue;
    if (count > limit) {
      return new AppError('SEND_LIMIT_REACHED', `Your limit is ${limit} recipients per ${unit}; this message has ${count}.`, { limit, unit });
    }
    // The earliest time enough of the oldest sends have left the window (only read when refusing).
    let freed = 0;
    let retryAt = now;
    for (const send of await recentSends(db, userId, new Date(now.getTime() - span))) {
      freed += send.recipient_count;
      retryAt = new Date(send.created_at.getTime() + span);
      if (inWindow - freed + count <= limit) break;
    }
    return new AppError('SEND_LIMIT_REACHED', `You've reached your limit of ${limit} messages per ${unit}. Try again at ${clockTime(retryAt)}.`, {
      limit,
      unit,
      retryAt: retryAt.toISOString(),
    });
  }
  return undefined;
}

export async function ownLimits(
  db: Db,
  clock: Clock,
  defaults: DefaultLimits,
  actor: Account,
): Promise<SendLimits & { usedLastHour: number; usedLastDay: number }> {
  const now = clock.now().getTime();
  const used = await sendingUsage(db, actor.id, new Date(now - HOUR_MS), new Date(now - DAY_MS));
  return { ...(await effectiveLimits(db, defaults, actor.id)), usedLastHour: used.hour, usedLastDay: used.day };
}

/** Admin: override a user's limits; null for either keeps the server default. */
export async function setSendLimits(
  db: Db,
  clock: Clock,
  defaults: DefaultLimits,
  actor: Account,
  input: { username: string; perHour: number | null; perDay: number | null },
): Promise<SendLimits & { username: string }> {
  if (!actor.isAdmin) throw new AppError('FORBIDDEN', 'Only an administrator can change sending limits.');
  const user = await findUserByUsername(db, input.username);
  if (!user) throw new AppError('NOT_FOUND', `There is no user ${input.username}.`);
  await upsertSendLimits(db, user.id, { per_hour: input.perHour, per_day: input.perDay }, clock.now());
  return { username: user.username, ...(await effectiveLimits(db, defaults, user.id)) };
}
