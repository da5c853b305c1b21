import 'server-only';
import { env } from '../env';
import { logger } from '../logger';
import { appOrigin, checkOrigin } from './origin';

/**
 * The Origin check as the web role applies it: null when `req` may run, else the text of the 403.
 * proxy.ts calls it for pages and route handlers, next-auth's route and the web role's tRPC handler
 * for themselves (the proxy would buffer their bodies, so it doesn't run there).
 */
export function foreignOriginRefusal(req: Request): string | null {
  return originRefusal(req.method, req.headers, new URL(req.url).pathname);
}

/** The same check from the parts of a request: the web role's own handlers have no fetch Request. */
export function originRefusal(method: string, headers: Headers, path: string): string | null {
  const own = appOrigin(env());
  const verdict = checkOrigin(method, headers, own);
  if (verdict.allowed) return null;
  logger.warn({ method, path, seen: verdict.seen, expected: own }, 'cross-origin request refused');
  return `Refused: this request does not come from ${own}. If that is not the address you opened, the server's PUBLIC_URL is wrong.`;
}
