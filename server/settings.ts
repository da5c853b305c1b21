import type { Env } from './env';
import { appOrigin } from './security/origin';

/**
 * What services need to know about this instance. They receive it, as they receive the clock,
 * instead of reading the environment: only the edges (role entry points, the tRPC context, route
 * handlers, next-auth's callbacks and the request guards) build it, from the parsed env, so a test
 * can run a service with other settings. The process-wide handles those edges share (the database
 * pool, the web role's queue client, the new-mail listener) read their connection settings once,
 * when first used.
 */
export interface Settings {
  /** The instance's own mail domain: <username>@mailDomain. */
  mailDomain: string;
  /** The MX host domain owners point at (MAIL_HOSTNAME, else mailDomain). */
  mailHostname: string;
  spfInclude: string | undefined;
  /** The default registration policy; instance_settings.registration_policy overrides it. */
  registration: 'open' | 'invite' | 'closed';
  /** Who may add addresses and aliases on mailDomain itself. */
  mailDomainAddresses: 'allowed' | 'admins' | 'none';
  undoSendSeconds: number;
  maxMessageBytes: number;
  sendLimitPerHour: number;
  sendLimitPerDay: number;
  /** Resolvers for look-ups made while serving a request (WKD); empty = the system's. */
  dnsServers: string[];
  /** The origin users reach the web app at: WebAuthn binds passkeys to its host name. */
  webOrigin: string;
  /** Admin console: the default storage quota in bytes (0 = none). */
  quotaBytes: number;
  /** Days a deleted account's username stays unavailable. */
  deletedUsernameHoldDays: number;
  /** Admin console status: where data lives, and the SMTP port to probe. */
  dataDir: string;
  smtpPort: number;
  auditRetentionDays: number;
  /** API_KEY_RATE_PER_MINUTE: a new API key's rate unless its maker picks another. */
  apiKeyRatePerMinute: number;
  /** MTA_STS_MODE (server/domains/mta-sts.ts); unset means testing. */
  mtaStsMode?: 'testing' | 'enforce' | 'none';
  /** The web app's host name (PUBLIC_URL), which mta-sts.<domain> must point at. */
  webHostname?: string;
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
    dnsServers: env.DNS_SERVERS,
    webOrigin: appOrigin(env),
    quotaBytes: env.QUOTA_MB * 1024 * 1024,
    deletedUsernameHoldDays: env.DELETED_USERNAME_HOLD_DAYS,
    dataDir: env.DATA_DIR,
    smtpPort: env.SMTP_PORT,
    auditRetentionDays: env.AUDIT_RETENTION_DAYS,
    apiKeyRatePerMinute: env.API_KEY_RATE_PER_MINUTE,
    mtaStsMode: env.MTA_STS_MODE,
    webHostname: env.PUBLIC_URL ? new URL(env.PUBLIC_URL).hostname : undefined,
    mailboxPurgeDays: env.MAILBOX_PURGE_DAYS,
  };
}
