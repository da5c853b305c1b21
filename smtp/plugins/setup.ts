import type { Logger } from 'pino';
import type { Db } from '../../db/client';
import { isHostedDomain } from '../../server/mail/hosted-domain.service';
import type { FilterSettings } from '../../server/env';
import { clamavPlugin } from './clamav';
import { dmarcPlugin } from './dmarc';
import { runAsHost } from './isolation';
import type { ConfiguredPlugin } from './plugin';
import { createPluginRunner, type PluginRunner } from './runner';
import { rspamdPlugin } from './rspamd';

/** The configured plugins, in PLUGINS order, each with its timeout and failure policy. */
export function pluginsFromSettings(settings: FilterSettings, deps: { db: Db; mailDomain: string; logger: Logger }): PluginRunner {
  // The lookup runs as the host's code: the pooled connection it may open must not belong to a plugin's context.
  const hosted = cachedFor(HOSTED_CACHE_MS, (domain: string) => runAsHost(() => isHostedDomain(deps.db, domain, deps.mailDomain)));
  const configured = settings.plugins.map((name): ConfiguredPlugin => {
    switch (name) {
      case 'dmarc':
        return {
          plugin: dmarcPlugin({ isHostedDomain: hosted }),
          ...settings.dmarc,
        };
      case 'rspamd': {
        const { url, timeoutMs, onFailure, rejectScore, spamScore } = settings.rspamd;
        if (!url) throw new Error('RSPAMD_URL is not set');
        return {
          plugin: rspamdPlugin({ url, ...(rejectScore !== undefined ? { rejectScore } : {}), ...(spamScore !== undefined ? { spamScore } : {}) }),
          timeoutMs,
          onFailure,
        };
      }
      default: {
        const { address, timeoutMs, onFailure } = settings.clamav;
        if (!address) throw new Error('CLAMD_SOCKET or CLAMD_HOST is not set');
        return { plugin: clamavPlugin({ address }), timeoutMs, onFailure };
      }
    }
  });
  return createPluginRunner(configured, deps.logger);
}

/**
 * Whether a From domain is hosted here is asked for nearly every message, mostly about the same few
 * domains: remembered for a short while (a newly verified domain is protected within that time).
 */
const HOSTED_CACHE_MS = 30_000;
const HOSTED_CACHE_ENTRIES = 10_000;

function cachedFor(ms: number, lookup: (domain: string) => Promise<boolean>): (domain: string) => Promise<boolean> {
  const cache = new Map<string, { at: number; value: Promise<boolean> }>();
  return (domain) => {
    const now = Date.now();
    const hit = cache.get(domain);
    if (hit && now - hit.at < ms) return hit.value;
    if (cache.size >= HOSTED_CACHE_ENTRIES) cache.clear();
    const value = lookup(domain);
    cache.set(domain, { at: now, value });
    // A failed lookup is not remembered: the next message asks again.
    value.catch(() => cache.delete(domain));
    return value;
  };
}
