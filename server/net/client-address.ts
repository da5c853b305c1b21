import { BlockList, isIP } from 'node:net';

/**
 * Which address a request comes from. The socket's peer is the truth; X-Forwarded-For is believed
 * only for the hops that a trusted proxy (TRUSTED_PROXIES) added. The list is read right to left,
 * the order proxies append to it: the first hop not in a trusted range is the client. Anything
 * further left was written by the client itself and could be anything.
 */
export type TrustedProxies = BlockList;

/** `::ffff:1.2.3.4` (an IPv4 peer on a dual-stack socket) is 1.2.3.4. */
export function normalizeIp(ip: string): string {
  const trimmed = ip.trim().replace(/^\[(.*)\]$/, '$1');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(trimmed);
  return (mapped ? mapped[1]! : trimmed).toLowerCase();
}

/** A BlockList of the CIDRs (or single addresses) in TRUSTED_PROXIES; throws on a malformed entry. */
export function trustedProxies(cidrs: string[]): TrustedProxies {
  const list = new BlockList();
  for (const entry of cidrs) {
    const [address = '', bits] = entry.split('/');
    const ip = normalizeIp(address);
    const family = isIP(ip);
    if (!family) throw new Error(`not an IP address or CIDR: ${entry}`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) {
      list.addAddress(ip, type);
    } else {
      const prefix = Number(bits);
      if (!/^\d+$/.test(bits) || prefix > (family === 4 ? 32 : 128)) throw new Error(`not a CIDR prefix length: ${entry}`);
      list.addSubnet(ip, prefix, type);
    }
  }
  return list;
}

function isTrusted(proxies: TrustedProxies, ip: string): boolean {
  const family = isIP(ip);
  return family !== 0 && proxies.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * The client's address, given the socket's peer and every X-Forwarded-For header the request
 * carries (in order). Never longer than an IP address; null only when the peer is unknown.
 */
export function clientAddress(peer: string | undefined, forwardedFor: string[], proxies: TrustedProxies): string | null {
  if (!peer) return null;
  let client = normalizeIp(peer);
  if (!isTrusted(proxies, client)) return client;
  const hops = forwardedFor
    .flatMap((h) => h.split(','))
    .map(normalizeIp)
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    // A hop that isn't an address can't be a proxy we trust, and can't be stored as an address.
    if (!isIP(hop)) return client;
    client = hop;
    if (!isTrusted(proxies, hop)) return client;
  }
  return client;
}
