import type { Db } from '../../db/client';
import { purgeFinishedOutbound, purgeSealedCopies } from '../../db/repositories/outbound.repository';
import { purgeInternalSends } from '../../db/repositories/send-limit.repository';

/**
 * What the server keeps of sent mail, and for how long (README, "What the server keeps"):
 * - a sealed copy only until delivery ends; a bounced one until its dead letter can no longer be
 *   retried (purge_after, DEAD_LETTER_RETENTION_HOURS);
 * - envelopes (addresses and delivery status) a day and an hour after delivery ended, because the
 *   sending limits count a day of sends; with a dead letter, a week, for the admin's list;
 * - counts of sends to people here a day and an hour.
 */
const HOUR_MS = 3600_000;
export const ENVELOPE_RETENTION_MS = 25 * HOUR_MS;
export const DEAD_LETTER_ENVELOPE_RETENTION_MS = 7 * 24 * HOUR_MS;

export async function purgeSentMailHistory(db: Db, now: Date): Promise<{ sealed: number; envelopes: number; internal: number }> {
  const sealed = await purgeSealedCopies(db, now);
  const envelopes = await purgeFinishedOutbound(
    db,
    new Date(now.getTime() - ENVELOPE_RETENTION_MS),
    new Date(now.getTime() - DEAD_LETTER_ENVELOPE_RETENTION_MS),
  );
  const internal = await purgeInternalSends(db, new Date(now.getTime() - ENVELOPE_RETENTION_MS));
  return { sealed, envelopes, internal };
}
