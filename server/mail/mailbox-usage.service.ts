import 'server-only';
import type { Db } from '../../db/client';
import { findMailboxLimits } from '../../db/repositories/recipient.repository';

/**
 * The storage quota at RCPT without summing a mailbox's messages for every message. Summing is a
 * scan of every row the user has (thousands for an ordinary mailbox), once per RCPT: the costliest
 * statement of the MX as mailboxes grow. This remembers, per mailbox, the sum the database last gave
 * plus what this process stored since, and answers "not full" from it for up to `rememberMs`; a
 * mailbox that the figure says is full, or one not asked about lately, is summed again, so a
 * mailbox reaches 452 when its own deliveries fill it and leaves it as soon as mail is deleted.
 * Mail stored by other nodes or by local sends meanwhile can overshoot the quota by what they
 * stored in that time; the quota is a limit on growth, not a hard cap.
 *
 * Whether the account is disabled is read from the database at every RCPT.
 */
export interface MailboxUsage {
  /** 'disabled', 'full', 'ok', or undefined for no such user. */
  check(userId: string): Promise<'disabled' | 'full' | 'ok' | undefined>;
  /** This process stored `bytes` more for the user. */
  stored(userId: string, bytes: number): void;
}

const MAX_REMEMBERED = 10_000;

export function createMailboxUsage(db: Db, options: { defaultQuotaBytes: number; rememberMs?: number; now?: () => number }): MailboxUsage {
  const rememberMs = options.rememberMs ?? 10_000;
  const now = options.now ?? Date.now;
  const known = new Map<string, { at: number; usedBytes: number }>();

  return {
    async check(userId) {
      const entry = known.get(userId);
      const fresh = entry && now() - entry.at < rememberMs;
      const limits = await findMailboxLimits(db, userId, options.defaultQuotaBytes, !fresh);
      if (!limits) return undefined;
      if (limits.disabled) return 'disabled';
      if (limits.quotaBytes === 0) return 'ok';
      if (fresh && entry.usedBytes < limits.quotaBytes) return 'ok';
      // Not remembered, or full by the remembered figure: the database's own sum decides.
      const used = fresh ? (await findMailboxLimits(db, userId, options.defaultQuotaBytes, true))?.usedBytes : limits.usedBytes;
      if (used === null || used === undefined) return 'ok';
      if (known.size >= MAX_REMEMBERED) known.clear();
      known.set(userId, { at: now(), usedBytes: used });
      return used >= limits.quotaBytes ? 'full' : 'ok';
    },
    stored(userId, bytes) {
      const entry = known.get(userId);
      if (entry) entry.usedBytes += bytes;
    },
  };
}
