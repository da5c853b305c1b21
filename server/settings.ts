import type { Env } from './env';

/**
 * What services need to know about this instance. They receive it, as they receive the clock,
 * instead of reading the environment: only the edges (role entry points, the tRPC context, route
 * handlers) build it, from the parsed env, so a test can run a service with other settings.
 */
export interface Settings {
  /** The instance's own mail domain: <username>@mailDomain. */
  mailDomain: string;
  /** The MX host domain owners point at (MAIL_HOSTNAME, else mailDomain). */
  mailHostname: string;
  spfInclude: string | undefined;
  registration: 'open' | 'closed';
  /** Who may add addresses and aliases on mailDomain itself. */
  mailDomainAddresses: 'allowed' | 'admins' | 'none';
  undoSendSeconds: number;
  maxMessageBytes: number;
  sendLimitPerHour: number;
  sendLimitPerDay: number;
  /** Days before Trash and Spam are purged (MAILBOX_PURGE_DAYS). */
  mailboxPurgeDays: number;
}

export function settingsFrom(env: Env): Settings {
  return {
    mailDomain: env.MAIL_DOMAIN,
    mailHostname: env.MAIL_HOSTNAME ?? env.MAIL_DOMAIN,
    spfInclude: env.SPF_INCLUDE,
    registration: env.REGISTRATION,
    mailDomainAddresses: env.MAIL_DOMAIN_ADDRESSES,
    undoSendSeconds: env.UNDO_SEND_SECONDS,
    maxMessageBytes: env.MAX_MESSAGE_BYTES,
    sendLimitPerHour: env.SEND_LIMIT_PER_HOUR,
    sendLimitPerDay: env.SEND_LIMIT_PER_DAY,
    mailboxPurgeDays: env.MAILBOX_PURGE_DAYS,
  };
}
