import type { Logger } from 'pino';
import type { Db } from '../../db/client';
import { isHostedDomain } from '../../server/mail/hosted-domain.service';
import type { FilterSettings } from '../../server/env';
import { clamavPlugin } from './clamav';
import { dmarcPlugin } from './dmarc';
import type { ConfiguredPlugin } from './plugin';
import { createPluginRunner, type PluginRunner } from './runner';
import { rspamdPlugin } from './rspamd';

/** The configured plugins, in PLUGINS order, each with its timeout and failure policy. */
export function pluginsFromSettings(settings: FilterSettings, deps: { db: Db; mailDomain: string; logger: Logger }): PluginRunner {
  const configured = settings.plugins.map((name): ConfiguredPlugin => {
    switch (name) {
      case 'dmarc':
        return {
          plugin: dmarcPlugin({ isHostedDomain: (domain) => isHostedDomain(deps.db, domain, deps.mailDomain) }),
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

