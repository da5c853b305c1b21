import 'server-only';
import { decode } from 'next-auth/jwt';
import { nextAuthSecret } from './nextauth';

/**
 * The session id that a request's next-auth cookie names, read the way next-auth's own
 * getServerSession reads it (same cookie name, chunks, secret and expiry), but from any cookie list:
 * Next's `cookies()` in pages, or the raw header in the web role's own tRPC handler.
 *
 * The token only names a row in `sessions`; that row is checked on every request
 * (current-session.ts), so nothing here decides who is signed in. Decoding the JWE costs an HKDF and
 * an AES-GCM open, so the answer for a token string is remembered until the token expires.
 */

interface Decoded {
  sid: string | null;
  expiresAt: number;
}

const MAX_REMEMBERED = 10_000;
const remembered = new Map<string, Decoded>();
let secret: string | undefined;

/** next-auth's choice: `__Secure-` cookies when the app is served over https (NEXTAUTH_URL, set by bin/sealpost.ts). */
export function sessionCookieName(): string {
  return process.env.NEXTAUTH_URL?.startsWith('https://') ? '__Secure-next-auth.session-token' : 'next-auth.session-token';
}

/** `name=value; name2=value2` as pairs; values are taken as sent (next-auth's tokens need no decoding). */
export function parseCookieHeader(header: string | undefined): { name: string; value: string }[] {
  if (!header) return [];
  const pairs: { name: string; value: string }[] = [];
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) pairs.push({ name: part.slice(0, eq).trim(), value: part.slice(eq + 1).trim() });
  }
  return pairs;
}

/** The token, joined from its chunks (`name`, or `name.0`, `name.1`, … when next-auth split it). */
function sessionToken(cookies: Iterable<{ name: string; value: string }>): string | null {
  const name = sessionCookieName();
  const chunks: { index: number; value: string }[] = [];
  for (const cookie of cookies) {
    if (cookie.name === name) chunks.push({ index: 0, value: cookie.value });
    else if (cookie.name.startsWith(`${name}.`)) chunks.push({ index: Number(cookie.name.slice(name.length + 1)) || 0, value: cookie.value });
  }
  if (chunks.length === 0) return null;
  return chunks
    .sort((a, b) => a.index - b.index)
    .map((c) => c.value)
    .join('');
}

export async function sessionIdFromCookies(cookies: Iterable<{ name: string; value: string }>, now = Date.now()): Promise<string | null> {
  const token = sessionToken(cookies);
  if (!token || token.length > 16_384) return null;
  const known = remembered.get(token);
  if (known) return known.expiresAt > now ? known.sid : null;
  secret ??= nextAuthSecret();
  let payload: Awaited<ReturnType<typeof decode>>;
  try {
    payload = await decode({ token, secret });
  } catch {
    return null; // forged, from another instance's secret, or expired: not signed in
  }
  const sid = typeof payload?.sid === 'string' ? payload.sid : null;
  const expiresAt = typeof payload?.exp === 'number' ? payload.exp * 1000 : 0;
  if (remembered.size >= MAX_REMEMBERED) remembered.delete(remembered.keys().next().value as string);
  remembered.set(token, { sid, expiresAt });
  return expiresAt > now ? sid : null;
}
