import 'server-only';
import { env } from '../env';
import { logger } from '../logger';
import { appOrigin, checkOrigin } from './origin';

/**
 * The Origin check as the web role applies it: null when `req` may run, else the text of the 403.
 * proxy.ts calls it for pages and route handlers, and the tRPC route for itself (the proxy would
 * buffer tRPC's large bodies, so it doesn't run there).
 */
export function foreignOriginRefusal(req: Request): string | null {
  const own = appOrigin(env());
  const verdict = checkOrigin(req.method, req.headers, own);
  if (verdict.allowed) return null;
  logger.warn({ method: req.method, path: new URL(req.url).pathname, seen: verdict.seen, expected: own }, 'cross-origin request refused');
  return `Refused: this request does not come from ${own}. If that is not the address you opened, the server's PUBLIC_URL is wrong.`;
}
