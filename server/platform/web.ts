import 'server-only';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { systemClock } from '../clock';
import { getDb } from '../db';
import type { Env } from '../env';
import { logger } from '../logger';
import { settingsFrom } from '../settings';
import { apiReferencePage } from './docs-page';
import { createApiHandler } from './http';
import type { PlatformQueue } from './send';

/** The web role's handler for /api/v1 and /docs/api, tried before Next; false when it isn't ours. */
export function platformRequestHandler(env: Env, queue: PlatformQueue): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  const api = createApiHandler({ db: getDb(), clock: systemClock, settings: settingsFrom(env), queue, log: logger });
  return async (req, res) => {
    if (req.url === '/docs/api' || req.url?.startsWith('/docs/api?') || req.url?.startsWith('/docs/api/')) return apiReferencePage(req, res);
    return api(req, res);
  };
}
