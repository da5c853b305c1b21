import 'server-only';
import dns from 'node:dns';
import net from 'node:net';

/**
 * Requests the server makes to addresses users chose (WKD look-ups, webhooks) must never reach
 * loopback, private, link-local or multicast addresses: that would let a user probe or call
 * services inside the operator's network (SSRF). The check runs on the resolved addresses, at
 * connect time, so a name that changes its answer (DNS rebinding) is caught too.
 */

/** Resolves A or AAAA records (server/mail/dns.ts's DnsResolver fits); without one, dns.lookup. */
type DnsResolver = (name: string, rrtype: 'A' | 'AAAA') => Promise<unknown>;
const blocked = new net.BlockList();
for (const [prefix, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 3],
] as const) {
  blocked.addSubnet(prefix, bits, 'ipv4');
}
for (const [prefix, bits] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(prefix, bits, 'ipv6');
}

export function isPublicAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 0) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return !blocked.check(mapped[1]!, 'ipv4');
  return !blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

/** The addresses a name resolves to: through `resolve` (both families) when given, else dns.lookup. */
function addressesOf(hostname: string, options: dns.LookupOptions, resolve: DnsResolver | undefined): Promise<dns.LookupAddress[]> {
  if (!resolve) return dns.promises.lookup(hostname, { ...options, all: true });
  const family = (type: 'A' | 'AAAA', n: 4 | 6) =>
    resolve(hostname, type).then(
      (list) => (list as string[]).map((address) => ({ address, family: n })),
      () => [] as dns.LookupAddress[],
    );
  const only = options.family === 4 || options.family === 'IPv4' ? 4 : options.family === 6 || options.family === 'IPv6' ? 6 : 0;
  const wanted = only === 4 ? [family('A', 4)] : only === 6 ? [family('AAAA', 6)] : [family('A', 4), family('AAAA', 6)];
  return Promise.all(wanted).then((lists) => {
    const all = lists.flat();
    if (all.length === 0) throw Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' });
    return all;
  });
}

/** A dns.lookup that refuses names resolving to loopback, private or link-local addresses (SSRF). */
export function publicOnlyLookup(resolve: DnsResolver | undefined) {
  return (hostname: string, options: dns.LookupOptions, callback: LookupCallback): void => {
    addressesOf(hostname, options, resolve).then(
      (list) => {
        if (list.length === 0 || list.some((a) => !isPublicAddress(a.address))) {
          return callback(Object.assign(new Error(`${hostname} resolves to a non-public address`), { code: 'EADDRNOTPUBLIC' }), []);
        }
        if (options.all) callback(null, list);
        else callback(null, list[0]!.address, list[0]!.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, []),
    );
  };
}
