import 'server-only';
import { z } from 'zod';
import { trustedProxies } from './net/client-address';
import { checkFilterEnv, filterEnvFields } from './filter-env';

/**
 * Every environment variable Sealpost reads, validated once. A bad value stops start-up with a
 * message that names the variable and says what is expected.
 */
const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

const envSchema = z
  .object({
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL')
      .optional(),
    DATA_DIR: z.string().min(1).default('./data'),
    PORT: port(3000),
    PUBLIC_URL: z.string().url('expected an absolute URL such as https://mail.example.com').optional(),
    SECRET_KEY: z.string().min(32, 'expected at least 32 characters of random data (openssl rand -base64 32)').optional(),
    // The default registration policy; an admin can change it at run time (instance_settings).
    REGISTRATION: z.enum(['open', 'invite', 'closed']).default('open'),
    MAIL_DOMAIN: z
      .string()
      .regex(/^[a-z0-9.-]+$/i, 'expected a domain name such as example.com')
      .default('localhost')
      .transform((d) => d.toLowerCase()),
    // The MX host that domain owners point their MX record at.
    MAIL_HOSTNAME: z
      .string()
      .regex(/^[a-z0-9.-]+$/i, 'expected a host name such as mx.example.com')
      .optional()
      .transform((h) => h?.toLowerCase()),
    SPF_INCLUDE: z
      .string()
      .regex(/^[a-z0-9._-]+$/i, 'expected a domain such as _spf.example.com')
      .optional(),
    // Whether users may add addresses and aliases on MAIL_DOMAIN itself, besides <username>@MAIL_DOMAIN.
    MAIL_DOMAIN_ADDRESSES: z.enum(['allowed', 'admins', 'none']).default('admins'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    SMTP_PORT: port(2525),
    SMTP_HOST: z.string().min(1).default('0.0.0.0'),
    TLS_CERT: z.string().optional(),
    TLS_KEY: z.string().optional(),
    MAX_MESSAGE_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(25 * 1024 * 1024),
    SMTP_MAX_RECIPIENTS: z.coerce.number().int().positive().default(100),
    SMTP_MAX_CLIENTS: z.coerce.number().int().positive().default(1000),
    SMTP_MAX_CLIENTS_PER_IP: z.coerce.number().int().positive().default(50),
    SMTP_SESSION_TIMEOUT_MS: z.coerce
      .number()
      .int()
      .positive()
      .default(5 * 60 * 1000),
    // Processes that share the SMTP port (node:cluster): encryption is CPU-bound, so one per core.
    // Measured on a shared 2-core machine, 1 (plus group commit) beat 2: PostgreSQL needs the other core.
    SMTP_WORKERS: z.coerce.number().int().min(1).max(64).default(1),
    // Resolvers for SPF/DKIM/DMARC/ARC and domain checks; empty means the system's resolvers.
    DNS_SERVERS: z
      .string()
      .regex(
        /^\s*(\[[0-9a-f:.]+\]|[0-9.]+|[0-9a-f:]+)(:\d{1,5})?\s*(,\s*(\[[0-9a-f:.]+\]|[0-9.]+|[0-9a-f:]+)(:\d{1,5})?\s*)*$/i,
        'expected a comma-separated list of IP[:port], such as 127.0.0.1:5353,[::1]:53',
      )
      .optional()
      .transform((list) => (list ? list.split(',').map((s) => s.trim()) : [])),
    // Outbound mail. "Undo send": a message waits this long before the worker may deliver it.
    UNDO_SEND_SECONDS: z.coerce.number().int().min(0).max(300).default(10),
    // The port of remote MX hosts; 25 on the internet, a loopback sink in tests and the benchmark.
    OUTBOUND_SMTP_PORT: port(25),
    // Deliver everything through this smarthost instead of MX lookups: smtp://user:pass@host:587.
    SMTP_RELAY_URL: z
      .string()
      .regex(/^smtps?:\/\/[^/\s]+$/i, 'expected smtp://[user:pass@]host[:port] or smtps://…')
      .optional(),
    // Recipients a user may send to per hour and per day; an admin can override them per user.
    SEND_LIMIT_PER_HOUR: z.coerce.number().int().min(0).default(100),
    SEND_LIMIT_PER_DAY: z.coerce.number().int().min(0).default(500),
    // Days a message stays in Trash or Spam before the worker deletes it for good.
    MAILBOX_PURGE_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
    // Messages one worker process delivers at the same time.
    OUTBOUND_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(32),
    // How long the sealed copy of a bounced message is kept so an admin can retry its dead letters.
    // 0 deletes it as soon as every recipient is final (dead letters then can't be retried).
    DEAD_LETTER_RETENTION_HOURS: z.coerce
      .number()
      .int()
      .min(0)
      .max(24 * 30)
      .default(72),
    // Processes that share the web port (node:cluster), each with its own Next and database pool.
    WEB_WORKERS: z.coerce.number().int().min(1).max(64).default(1),
    // Reverse proxies whose X-Forwarded-For the web role believes; empty: only the socket's peer counts.
    TRUSTED_PROXIES: z
      .string()
      .optional()
      .transform((list) =>
        list
          ? list
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean)
          : [],
      )
      .refine((list) => {
        try {
          trustedProxies(list);
          return true;
        } catch {
          return false;
        }
      }, 'expected a comma-separated list of IP addresses or CIDRs, such as 10.0.0.0/8,fd00::/8'),
    // How long to wait for a PostgreSQL connection, and how long one statement may run. A database
    // that is down or frozen becomes an error (SMTP 451, HTTP 503) after about this long, not a hang:
    // keep both well under a sending MTA's 30 s patience.
    DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3_000),
    DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
    // On SIGTERM/SIGINT, how long a role lets work in flight finish: SMTP transactions still open
    // then get 421. `npm start` kills a role only 5 s after this.
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(25_000),
    // Admin console. Mail each account may hold, in MiB, unless an admin sets its own; 0 = no limit.
    QUOTA_MB: z.coerce
      .number()
      .int()
      .min(0)
      .max(100 * 1024 * 1024)
      .default(1024),
    // How long a deleted account's username can't be registered again, so its mail can't reach a newcomer.
    DELETED_USERNAME_HOLD_DAYS: z.coerce.number().int().min(0).max(36_500).default(180),
    // Audit events older than this are purged by the worker role; 0 keeps them forever.
    AUDIT_RETENTION_DAYS: z.coerce.number().int().min(0).max(36_500).default(365),
    // Inbound filter plugins (PLUGINS, RSPAMD_*, CLAMD_*, DMARC_*): see docs/filtering.md.
    ...filterEnvFields,
    // Prometheus metrics (docs/operations.md): each role listens on METRICS_PORT + its offset (web +0,
    // smtp +1, worker +2) on METRICS_HOST; unset, no metrics port. With METRICS_TOKEN, a scrape
    // needs "Authorization: Bearer <token>", and the web role serves /metrics on its own port too.
    METRICS_PORT: z.coerce.number().int().min(0).max(65533).optional(),
    METRICS_HOST: z.string().min(1).default('127.0.0.1'),
    METRICS_TOKEN: z.string().min(16, 'expected at least 16 characters (openssl rand -hex 16)').optional(),
    // The sending platform (docs/sending-api.md): SMTP submission for API keys (STARTTLS, then AUTH),
    // and the request rate a new API key gets unless its maker picks another.
    SUBMISSION_PORT: port(587),
    API_KEY_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
    // Webhooks to loopback or private addresses are refused (a domain owner must not reach the
    // operator's internal services); `true` allows them, for receivers on the operator's own network.
    WEBHOOK_ALLOW_PRIVATE: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),
    // The MTA-STS policy served at https://mta-sts.<domain>/.well-known/mta-sts.txt for hosted domains:
    // start with testing, switch to enforce once TLS reports show every sender gets through.
    MTA_STS_MODE: z.enum(['testing', 'enforce', 'none']).default('testing'),
  })
  .superRefine(checkFilterEnv);

export type Env = z.infer<typeof envSchema>;
export { type FilterSettings, filterSettingsFrom } from './filter-env';

/** Every variable name Sealpost reads (deploy/ files are checked against it). */
export const ENV_NAMES: readonly string[] = Object.keys(envSchema.shape);

export class EnvError extends Error {}

export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  // Empty strings mean "unset", the way shells and .env files usually write it.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ''));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const name = issue.path.join('.');
      return `  ${name}=${JSON.stringify(source[name] ?? '')}: ${issue.message}`;
    });
    throw new EnvError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}

let cached: Env | undefined;

/** The validated environment of this process, parsed on first use. */
export function env(): Env {
  cached ??= parseEnv();
  return cached;
}

/** For tests that change process.env: the next env() call parses it again. */
export function reloadEnv(): void {
  cached = undefined;
}
