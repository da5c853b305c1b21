import 'server-only';
import { z } from 'zod';

/**
 * The inbound filter settings (smtp/plugins), part of the environment schema in ./env.ts. A plugin
 * named in PLUGINS without what it needs stops start-up with the missing variable named.
 */
export const FILTER_PLUGINS = ['dmarc', 'rspamd', 'clamav'] as const;
export type FilterPluginName = (typeof FILTER_PLUGINS)[number];

const policy = (fallback: 'tempfail' | 'pass') => z.enum(['tempfail', 'pass']).default(fallback);
const timeout = (fallback: number) => z.coerce.number().int().min(50).max(60_000).default(fallback);

export const filterEnvFields = {
  // The filter plugins, in the order they run: a comma-separated list of dmarc, rspamd, clamav.
  PLUGINS: z
    .string()
    .optional()
    .transform((list) =>
      list
        ? list
            .split(',')
            .map((s) => s.trim().toLowerCase())
            .filter(Boolean)
        : [],
    )
    .refine(
      (list) => list.every((name) => (FILTER_PLUGINS as readonly string[]).includes(name)),
      `expected a comma-separated list of ${FILTER_PLUGINS.join(', ')}`,
    )
    .refine((list) => new Set(list).size === list.length, 'expected each plugin at most once')
    .transform((list) => list as FilterPluginName[]),
  DMARC_TIMEOUT_MS: timeout(2_000),
  DMARC_FAILURE: policy('tempfail'),
  RSPAMD_URL: z.string().url("expected the URL of rspamd's normal worker, such as http://127.0.0.1:11333").optional(),
  RSPAMD_TIMEOUT_MS: timeout(3_000),
  RSPAMD_FAILURE: policy('pass'),
  // rspamd's reject only rejects at or over this score; under it the message goes to Spam.
  RSPAMD_REJECT_SCORE: z.coerce.number().finite().optional(),
  // Any score at or over this goes to Spam, whatever rspamd's action.
  RSPAMD_SPAM_SCORE: z.coerce.number().finite().optional(),
  // clamd: a Unix socket path, or a host and port.
  CLAMD_SOCKET: z.string().min(1).optional(),
  CLAMD_HOST: z.string().min(1).optional(),
  CLAMD_PORT: z.coerce.number().int().min(1).max(65535).default(3310),
  CLAMD_TIMEOUT_MS: timeout(5_000),
  CLAMD_FAILURE: policy('tempfail'),
};

const filterEnvSchema = z.object(filterEnvFields);
type FilterEnv = z.output<typeof filterEnvSchema>;

export function checkFilterEnv(env: FilterEnv, ctx: z.RefinementCtx<unknown>): void {
  if (env.PLUGINS.includes('rspamd') && !env.RSPAMD_URL) {
    ctx.addIssue({ code: 'custom', path: ['RSPAMD_URL'], message: 'PLUGINS includes rspamd: set RSPAMD_URL, such as http://127.0.0.1:11333' });
  }
  if (env.PLUGINS.includes('clamav') && !env.CLAMD_SOCKET && !env.CLAMD_HOST) {
    ctx.addIssue({ code: 'custom', path: ['CLAMD_SOCKET'], message: 'PLUGINS includes clamav: set CLAMD_SOCKET, or CLAMD_HOST (and CLAMD_PORT)' });
  }
  if (env.CLAMD_SOCKET && env.CLAMD_HOST) {
    ctx.addIssue({ code: 'custom', path: ['CLAMD_HOST'], message: 'set CLAMD_SOCKET or CLAMD_HOST, not both' });
  }
}

/** What the smtp role builds its plugins from. */
export interface FilterSettings {
  plugins: FilterPluginName[];
  dmarc: { timeoutMs: number; onFailure: 'tempfail' | 'pass' };
  rspamd: { url: string | undefined; timeoutMs: number; onFailure: 'tempfail' | 'pass'; rejectScore?: number; spamScore?: number };
  clamav: { address: { path: string } | { host: string; port: number } | undefined; timeoutMs: number; onFailure: 'tempfail' | 'pass' };
}

export function filterSettingsFrom(env: FilterEnv): FilterSettings {
  return {
    plugins: env.PLUGINS,
    dmarc: { timeoutMs: env.DMARC_TIMEOUT_MS, onFailure: env.DMARC_FAILURE },
    rspamd: {
      url: env.RSPAMD_URL,
      timeoutMs: env.RSPAMD_TIMEOUT_MS,
      onFailure: env.RSPAMD_FAILURE,
      ...(env.RSPAMD_REJECT_SCORE !== undefined ? { rejectScore: env.RSPAMD_REJECT_SCORE } : {}),
      ...(env.RSPAMD_SPAM_SCORE !== undefined ? { spamScore: env.RSPAMD_SPAM_SCORE } : {}),
    },
    clamav: {
      address: env.CLAMD_SOCKET ? { path: env.CLAMD_SOCKET } : env.CLAMD_HOST ? { host: env.CLAMD_HOST, port: env.CLAMD_PORT } : undefined,
      timeoutMs: env.CLAMD_TIMEOUT_MS,
      onFailure: env.CLAMD_FAILURE,
    },
  };
}
