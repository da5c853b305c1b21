import 'server-only';
import type { Db } from '../../db/client';
import { countAliasDelivery, findAddress } from '../../db/repositories/address.repository';
import { findDomainByName } from '../../db/repositories/domain.repository';
import { findAdminIds, findUserIdByUsername, type InboundMailbox } from '../../db/repositories/recipient.repository';
import { parseAddress } from '../../mime/address';
import type { MailboxLookup, MailboxRead } from './mailbox-lookup.service';
import type { MailboxUsage } from './mailbox-usage.service';

/**
 * Where mail for one envelope recipient goes. The single place that decides it, in the order
 * DESIGN.md gives: exact address, enabled alias, catch-all, then unknown (550 5.1.1). A domain this
 * instance doesn't host, or whose ownership isn't verified, is 550 5.7.1: never relayed.
 */
export type RecipientRoute =
  | { status: 'local'; userId: string }
  /** A hosted domain without that mailbox: 550 5.1.1. */
  | { status: 'unknown-mailbox' }
  /** A domain this instance does not host: 550 5.7.1, never relayed. */
  | { status: 'not-hosted' }
  /** Not an address at all: 501 5.1.3. */
  | { status: 'bad-syntax' };

// The shape usernames are registered with (auth.schemas.ts), so other local parts skip the lookup.
const USERNAME = /^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/;

export async function resolveRecipient(
  db: Db,
  address: string,
  /**
   * mailDomain: the instance's own. countAlias: false for mere look-ups (compose asking for keys),
   * which are not deliveries. usernameChecked: the caller already found no such username.
   */
  options: { mailDomain: string; countAlias?: boolean; usernameChecked?: boolean },
): Promise<RecipientRoute> {
  const mailDomain = options.mailDomain.toLowerCase();
  const parsed = splitAddress(address);
  if (!parsed) return { status: 'bad-syntax' };
  // RFC 5321 4.1.1.3: a bare "postmaster" means the postmaster of this host.
  const domain = parsed.domain ?? mailDomain;
  const local = parsed.local.toLowerCase();

  // A hosted domain: the instance's own, or a customer domain whose ownership is verified.
  const hosted = domain === mailDomain ? null : await findDomainByName(db, domain);
  if (!isHosted(domain, mailDomain, hosted)) return { status: 'not-hosted' };

  // 1. Exact address: <username>@MAIL_DOMAIN, or an address row.
  if (!options.usernameChecked && domain === mailDomain && USERNAME.test(local) && local.length <= 64) {
    const userId = await findUserIdByUsername(db, local);
    if (userId) return { status: 'local', userId };
  }
  const row = await findAddress(db, `${local}@${domain}`);
  if (row?.kind === 'address') return { status: 'local', userId: row.user_id };
  // 2. Alias: enabled delivers, disabled refuses as if it never existed. Counted at RCPT, where the
  //    decision is made (a transaction that later fails with 4xx and is retried counts twice).
  if (row?.kind === 'alias') {
    if (options.countAlias !== false) await countAliasDelivery(db, row.id, row.enabled ? 'received' : 'blocked');
    return row.enabled ? { status: 'local', userId: row.user_id } : { status: 'unknown-mailbox' };
  }
  // 3. Catch-all: the domain's owner gets everything else.
  if (hosted?.catch_all) return { status: 'local', userId: hosted.owner_id };
  return { status: 'unknown-mailbox' };
}

function isHosted(domain: string, mailDomain: string, row: { status: string } | null | undefined): boolean {
  return domain === mailDomain || row?.status === 'verified';
}

/**
 * Routing for mail arriving over SMTP: resolveRecipient, plus postmaster. RFC 5321 4.5.1 requires
 * every domain to accept mail for postmaster (any case, and bare `<postmaster>`): on every hosted
 * domain it goes to all of the instance's admins, each of whom gets a copy. It can't be claimed by a
 * user, an address or an alias, so nobody can read the instance's abuse reports but its admins.
 * Without any admin there is nobody to deliver to: `no-postmaster` (451), so the mail is retried
 * until the operator makes one, rather than bounced.
 *
 * A local route carries what delivery needs of each mailbox (key, filter rules) and the database's
 * clock, read in the same statement that checked the mailbox, so the end of DATA needs no query of
 * its own. The common case, <username>@MAIL_DOMAIN, is that one statement in all.
 */
export type InboundRoute =
  | { status: 'local'; userIds: string[]; mailboxes: InboundMailbox[]; clock: DatabaseClock }
  | { status: 'no-postmaster' }
  /** The mailbox's account is disabled by an admin: 550 5.2.1. */
  | { status: 'disabled' }
  /** The mailbox is at or over its storage quota: 452 4.2.2, so the sender retries once there is room. */
  | { status: 'over-quota' }
  | Exclude<RecipientRoute, { status: 'local' }>;

/** PostgreSQL's clock as read (dbNow), and performance.now() when that answer had arrived here (readAt). */
export interface DatabaseClock {
  dbNow: Date;
  readAt: number;
}

export async function resolveInboundRecipient(
  db: Db,
  address: string,
  /** mailboxes: how mailboxes are read (mailbox-lookup.service.ts); usage: the quota's remembered figures. */
  options: { mailDomain: string; mailboxes: MailboxLookup; usage: MailboxUsage },
): Promise<InboundRoute> {
  const mailDomain = options.mailDomain.toLowerCase();
  const parsed = splitAddress(address);
  const local = (read: MailboxRead, mailboxes: InboundMailbox[]): InboundRoute => ({
    status: 'local',
    userIds: mailboxes.map((mailbox) => mailbox.id),
    mailboxes,
    clock: { dbNow: read.dbNow, readAt: read.readAt },
  });

  if (parsed && parsed.local.toLowerCase() === 'postmaster') {
    const domain = parsed.domain ?? mailDomain;
    if (!isHosted(domain, mailDomain, domain === mailDomain ? null : await findDomainByName(db, domain))) return { status: 'not-hosted' };
    const admins = await findAdminIds(db);
    if (admins.length === 0) return { status: 'no-postmaster' };
    // Every admin gets a copy, whatever their own quota: abuse reports must reach someone.
    const read = await options.mailboxes.byIds(admins, false);
    return local(read, read.mailboxes);
  }

  // 1. Exact address <username>@MAIL_DOMAIN: the mailbox in the same statement (resolveRecipient's first step).
  const username = parsed?.local.toLowerCase();
  const byUsername = !!parsed && (parsed.domain ?? mailDomain) === mailDomain && !!username && USERNAME.test(username) && username.length <= 64;
  let read = byUsername ? await options.mailboxes.byUsername(username!) : undefined;
  if (!read?.mailboxes.length) {
    const route = await resolveRecipient(db, address, { mailDomain, usernameChecked: byUsername });
    if (route.status !== 'local') return route;
    read = await options.mailboxes.byIds([route.userId], options.usage.needsSum(route.userId));
  }
  let mailbox = read.mailboxes[0];
  if (!mailbox) return { status: 'unknown-mailbox' }; // removed between the two statements
  let state = options.usage.judge(mailbox);
  if (state === 'recount') {
    read = await options.mailboxes.byIds([mailbox.id], true);
    mailbox = read.mailboxes[0];
    if (!mailbox) return { status: 'unknown-mailbox' };
    state = options.usage.judge(mailbox);
  }
  if (state === 'disabled') return { status: 'disabled' };
  if (state === 'full') return { status: 'over-quota' };
  return local(read, [mailbox]);
}

function splitAddress(address: string): { local: string; domain: string | undefined } | undefined {
  if (address.toLowerCase() === 'postmaster') return { local: 'postmaster', domain: undefined };
  return parseAddress(address);
}
