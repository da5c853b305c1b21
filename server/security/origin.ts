import type { Env } from '@/server/env';

/**
 * Cross-site request forgery defence: a state-changing request must come from the app's own
 * origin. SameSite=Lax cookies are the first line; this is the second, and the one that holds
 * when a browser or a proxy gets SameSite wrong.
 */

/** The origin users reach the app at: PUBLIC_URL, or what the supervisor gives next-auth when it is unset. */
export function appOrigin(settings: Pick<Env, 'PUBLIC_URL' | 'PORT'>): string {
  return new URL(settings.PUBLIC_URL ?? `http://localhost:${settings.PORT}`).origin;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export type OriginVerdict = { allowed: true } | { allowed: false; seen: string };

/**
 * GET, HEAD and OPTIONS change nothing and pass. Anything else must carry an Origin equal to
 * `own`, or, when a client sends no Origin, a Referer on `own`. `Origin: null` (sandboxed frames,
 * some redirects) is foreign.
 *
 * With neither header: browsers send Origin on every POST, PUT, PATCH and DELETE, so a request
 * without either comes from a non-browser client. It passes if it carries no cookie, because
 * without ambient credentials there is nothing to forge. With a cookie it is refused: whoever
 * holds the cookie can just as well name the origin.
 */
export function checkOrigin(method: string, headers: Headers, own: string): OriginVerdict {
  if (SAFE_METHODS.has(method.toUpperCase())) return { allowed: true };
  const origin = headers.get('origin');
  if (origin !== null) return origin === own ? { allowed: true } : { allowed: false, seen: origin };
  const referer = headers.get('referer');
  if (referer !== null) {
    const refererOrigin = originOf(referer);
    return refererOrigin === own ? { allowed: true } : { allowed: false, seen: refererOrigin ?? 'a malformed Referer' };
  }
  return headers.has('cookie') ? { allowed: false, seen: 'no Origin or Referer' } : { allowed: true };
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}
