/**
 * The client's address. Next's server sets x-forwarded-for from the socket when it is absent; behind
 * a proxy that appends its own, the first entry is the client.
 */
export function clientIp(headers: Record<string, unknown> | Headers): string | null {
  const raw = headers instanceof Headers ? headers.get('x-forwarded-for') : (headers['x-forwarded-for'] as string | undefined);
  const first = raw?.split(',')[0]?.trim();
  return first ? first.slice(0, 64) : null;
}
