import { isIP } from 'node:net';
import type { DnsResolver } from '../mail/dns';

/** Where mail for a domain goes, or why it can't go (RFC 5321 5.1, RFC 7505). */
export type Destination =
  | { kind: 'hosts'; hosts: { name: string; addresses: string[] }[] }
  | { kind: 'permanent'; status: string; reason: string }
  | { kind: 'temporary'; status: string; reason: string };

const NO_SUCH_NAME = 'ENOTFOUND';
const NO_DATA = 'ENODATA';
const codeOf = (err: unknown) => (err as { code?: string } | undefined)?.code ?? 'ERROR';

/** A and, when there is none, AAAA addresses of a host; [] when it has neither. */
async function addressesOf(resolve: DnsResolver, host: string): Promise<string[]> {
  if (isIP(host)) return [host];
  for (const rrtype of ['A', 'AAAA']) {
    try {
      const answer = (await resolve(host, rrtype)) as string[];
      if (answer.length) return answer;
    } catch (err) {
      if (![NO_SUCH_NAME, NO_DATA].includes(codeOf(err))) throw err;
    }
  }
  return [];
}

/**
 * MX hosts in preference order (equal preferences keep the resolver's order), each with its
 * addresses. No MX record: the domain itself is the host (the implicit MX). A Null MX (a single
 * "0 ." record) means the domain accepts no mail: a permanent 5.1.10. A missing domain is a
 * permanent 5.1.2. A DNS timeout or SERVFAIL is temporary: the message is tried again later.
 */
export async function resolveDestination(resolve: DnsResolver, domain: string): Promise<Destination> {
  let mx: { exchange: string; priority: number }[];
  try {
    mx = (await resolve(domain, 'MX')) as { exchange: string; priority: number }[];
  } catch (err) {
    const code = codeOf(err);
    if (code === NO_SUCH_NAME) return { kind: 'permanent', status: '5.1.2', reason: `The domain ${domain} does not exist.` };
    if (code !== NO_DATA) return { kind: 'temporary', status: '4.4.3', reason: `The MX lookup for ${domain} failed (${code}).` };
    mx = [];
  }
  const isNull = (exchange: string) => exchange === '' || exchange === '.';
  if (mx.length > 0 && mx.every((r) => isNull(r.exchange))) {
    return { kind: 'permanent', status: '5.1.10', reason: `The domain ${domain} accepts no mail (Null MX).` };
  }
  const names = mx.length
    ? [...mx]
        .filter((r) => !isNull(r.exchange))
        .sort((a, b) => a.priority - b.priority)
        .map((r) => r.exchange.replace(/\.$/, '').toLowerCase())
    : [domain];
  const hosts: { name: string; addresses: string[] }[] = [];
  let lookupError: string | undefined;
  for (const name of names) {
    try {
      const addresses = await addressesOf(resolve, name);
      if (addresses.length) hosts.push({ name, addresses });
    } catch (err) {
      lookupError = codeOf(err);
    }
  }
  if (hosts.length) return { kind: 'hosts', hosts };
  if (lookupError) return { kind: 'temporary', status: '4.4.3', reason: `The address lookup for the mail hosts of ${domain} failed (${lookupError}).` };
  return mx.length
    ? { kind: 'temporary', status: '4.4.3', reason: `The mail hosts of ${domain} have no addresses.` }
    : { kind: 'permanent', status: '5.1.2', reason: `The domain ${domain} has no mail host.` };
}
