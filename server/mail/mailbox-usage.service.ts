import 'server-only';
import type { InboundMailbox } from '../../db/repositories/recipient.repository';

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
 * Whether the account is disabled is read from the database at every RCPT, in the same statement
 * as the mailbox's key (findInboundMailboxes).
 */
export interface MailboxUsage {
  /** Whether a read of this mailbox should sum its messages: nothing fresh is remembered for it. */
  needsSum(userId: string): boolean;
  /**
   * Whether the mailbox takes mail, from what the database said of it (findInboundMailboxes).
   * 'recount': that answer had no sum and the remembered figure can't decide, so read it again with one.
   */
  judge(mailbox: Pick<InboundMailbox, 'id' | 'disabled' | 'quotaBytes' | 'usedBytes'>): 'disabled' | 'full' | 'ok' | 'recount';
  /** This process stored `bytes` more for the user. */
  stored(userId: string, bytes: number): void;
}

const MAX_REMEMBERED = 10_000;

export function createMailboxUsage(options: { rememberMs?: number; now?: () => number } = {}): MailboxUsage {
  const rememberMs = options.rememberMs ?? 10_000;
  const now = options.now ?? Date.now;
  const known = new Map<string, { at: number; usedBytes: number }>();
  const fresh = (userId: string) => {
    const entry = known.get(userId);
    return entry && now() - entry.at < rememberMs ? entry : undefined;
  };

  return {
    needsSum: (userId) => !fresh(userId),
    judge(mailbox) {
      if (mailbox.disabled) return 'disabled';
      if (mailbox.quotaBytes === 0) return 'ok';
      if (mailbox.usedBytes !== null) {
        if (known.size >= MAX_REMEMBERED) known.clear();
        known.set(mailbox.id, { at: now(), usedBytes: mailbox.usedBytes });
        return mailbox.usedBytes >= mailbox.quotaBytes ? 'full' : 'ok';
      }
      // Not remembered, or full by the remembered figure: the database's own sum decides.
      const entry = fresh(mailbox.id);
      return entry && entry.usedBytes < mailbox.quotaBytes ? 'ok' : 'recount';
    },
    stored(userId, bytes) {
      const entry = known.get(userId);
      if (entry) entry.usedBytes += bytes;
    },
  };
}
