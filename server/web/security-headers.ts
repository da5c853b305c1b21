/**
 * Headers on every response of the web role (pages, Next's route handlers, tRPC and /api/v1), set
 * by its own server before anything else answers. Pages also get a Content-Security-Policy with a
 * fresh nonce (proxy.ts).
 */
export const SECURITY_HEADERS: readonly (readonly [string, string])[] = [
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'DENY'],
  ['Referrer-Policy', 'no-referrer'],
  ['Permissions-Policy', 'camera=(), microphone=(), geolocation=()'],
];
