import { type NextRequest, NextResponse } from 'next/server';
import { newNonce, pageContentSecurityPolicy } from '@/server/security/csp';
import { foreignOriginRefusal } from '@/server/security/origin-guard';
import { appOrigin } from '@/server/security/origin';
import { env } from '@/server/env';

/**
 * Runs before pages and route handlers (Node runtime), whichever HTTP server hosts Next:
 * 1. refuses state-changing requests from another origin (403, nothing runs);
 * 2. gives each response a Content-Security-Policy with a fresh nonce. Next reads the nonce from
 *    the request's copy of the header and puts it on its own scripts; pages render per request
 *    (the root layout waits for the connection) so every nonce is new.
 */
export function proxy(request: NextRequest) {
  const refusal = foreignOriginRefusal(request);
  if (refusal) return NextResponse.json({ error: { code: 'FORBIDDEN', message: refusal } }, { status: 403 });

  const https = appOrigin(env()).startsWith('https:');
  const csp = pageContentSecurityPolicy(newNonce(), { dev: process.env.NODE_ENV === 'development', https });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('content-security-policy', csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('Content-Security-Policy', csp);
  return response;
}

export const config = {
  // Not static files (no policy needed, nothing changes), and not /api/auth, which takes bodies: a
  // proxy reads the whole request body first (up to 10 MB), before the route can cap it, so that
  // route makes the Origin check itself. /api/trpc never reaches Next (server/web/trpc-handler.ts).
  matcher: ['/((?!_next/static|_next/image|favicon.ico|api/trpc|api/auth).*)'],
};
