import 'server-only';
import { performance } from 'node:perf_hooks';
import type { Db } from '../../db/client';
import { findInboundMailboxes, type InboundMailbox } from '../../db/repositories/recipient.repository';
import { groupedStatements } from '../grouped-statements';

/**
 * How the MX reads mailboxes at RCPT (findInboundMailboxes): the mailbox, its key and filter rules,
 * and the database's clock, in one statement.
 *
 * Lookups by username, the common case (<username>@MAIL_DOMAIN), are grouped the way commits are
 * (group-commit.service.ts): RCPTs that arrive while `concurrency` statements are in flight wait for
 * one of them and then go together, as one statement for all their usernames. Under light load a
 * lookup goes at once, alone; under a burst of hundreds of sessions, a few statements answer them
 * all instead of one each, and the pool stays free for the commits. Nothing is remembered between
 * statements: every RCPT sees the mailbox as the database has it when its statement runs.
 */
export interface MailboxRead {
  mailboxes: InboundMailbox[];
  /** PostgreSQL's clock when it answered (clock_timestamp()). */
  dbNow: Date;
  /** performance.now() when the answer had arrived here. */
  readAt: number;
}

export interface MailboxLookup {
  /** The mailbox of a username (at most one), without the usage sum. */
  byUsername(username: string): Promise<MailboxRead>;
  /** Mailboxes by id; `withUsage` also sums what each holds. */
  byIds(ids: string[], withUsage: boolean): Promise<MailboxRead>;
}

export function createMailboxLookup(
  db: Db,
  /** defaultQuotaBytes: QUOTA_MB in bytes, 0 = none. concurrency: statements by username in flight at once. */
  options: { defaultQuotaBytes: number; concurrency?: number; maxBatch?: number },
): MailboxLookup {
  const concurrency = options.concurrency ?? 2;
  const maxBatch = options.maxBatch ?? 256;
  const read = async (by: { usernames: string[] } | { ids: string[] }, withUsage: boolean): Promise<MailboxRead> => {
    const found = await findInboundMailboxes(db, by, options.defaultQuotaBytes, withUsage);
    return { ...found, readAt: performance.now() };
  };
  const byUsername = groupedStatements<string, MailboxRead>({
    concurrency,
    take: (waiting) => Math.min(waiting.length, maxBatch),
    run: async (usernames) => {
      const { mailboxes, dbNow, readAt } = await read({ usernames: [...new Set(usernames)] }, false);
      const byName = new Map(mailboxes.map((mailbox) => [mailbox.username, mailbox]));
      return usernames.map((username) => {
        const mailbox = byName.get(username);
        return { mailboxes: mailbox ? [mailbox] : [], dbNow, readAt };
      });
    },
  });

  return {
    byUsername,
    byIds: (ids, withUsage) => read({ ids }, withUsage),
  };
}
