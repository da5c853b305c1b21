/**
 * The client's address, as the web role's own server (server/web/main.ts) worked it out from the
 * socket and TRUSTED_PROXIES. It replaces any copy of this header that the client sent, so no
 * client-written value gets here; without that server in front, there is no address at all.
 */
export const CLIENT_IP_HEADER = 'x-sealpost-client-ip';

export function clientIp(headers: Record<string, unknown> | Headers): string | null {
  const raw = headers instanceof Headers ? headers.get(CLIENT_IP_HEADER) : headers[CLIENT_IP_HEADER];
  return typeof raw === 'string' && raw ? raw.slice(0, 64) : null;
}
