import https from 'node:https';
import type { DnsResolver } from '../mail/dns';

/**
 * The sending side of MTA-STS (RFC 8461): before delivering to a domain, look for its policy
 * (a `_mta-sts` TXT record, then https://mta-sts.<domain>/.well-known/mta-sts.txt with a valid
 * certificate) and cache it for its max_age. In `enforce` mode mail goes only to MX hosts the
 * policy lists, and only over STARTTLS with a certificate valid for that host name; anything else
 * is deferred, never sent in the clear. `testing` and `none` change nothing (no TLS-RPT reports are
 * sent yet).
 */
export interface MtaStsPolicy {
  mode: 'enforce' | 'testing' | 'none';
  mx: string[];
  maxAgeSeconds: number;
}

export interface MtaStsOptions {
  resolve: DnsResolver;
  /** Extra trusted CA certificates (tests); the system's are always trusted. */
  ca?: string | Buffer;
  /** The policy host's port: 443, another one only in tests. */
  port?: number;
  now?: () => number;
  fetchTimeoutMs?: number;
}

export type MtaStsLookup = (domain: string) => Promise<MtaStsPolicy | undefined>;

const MAX_POLICY_BYTES = 64 * 1024;

export function parsePolicy(text: string): MtaStsPolicy | undefined {
  const fields = new Map<string, string[]>();
  for (const line of text.split(/\r?\n/)) {
    const match = /^([A-Za-z0-9_]+):\s*(.*?)\s*$/.exec(line);
    if (!match) continue;
    const key = match[1]!.toLowerCase();
    fields.set(key, [...(fields.get(key) ?? []), match[2]!]);
  }
  const mode = fields.get('mode')?.[0];
  const maxAge = Number(fields.get('max_age')?.[0]);
  if (fields.get('version')?.[0] !== 'STSv1' || !['enforce', 'testing', 'none'].includes(mode ?? '') || !Number.isInteger(maxAge) || maxAge < 0)
    return undefined;
  const mx = (fields.get('mx') ?? []).map((m) => m.toLowerCase().replace(/\.$/, ''));
  if (mode !== 'none' && mx.length === 0) return undefined;
  return { mode: mode as MtaStsPolicy['mode'], mx, maxAgeSeconds: Math.min(maxAge, 31_557_600) };
}

/** An MX host name against the policy's patterns: exact, or `*.example.com` for one more label. */
export function mxMatches(policy: MtaStsPolicy, host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return policy.mx.some((pattern) =>
    pattern.startsWith('*.') ? name.endsWith(pattern.slice(1)) && !name.slice(0, -pattern.length + 1).includes('.') : name === pattern,
  );
}

async function txtRecords(resolve: DnsResolver, name: string): Promise<string[]> {
  const answer = (await resolve(name, 'TXT').catch(() => [])) as string[][];
  return answer.map((chunks) => chunks.join(''));
}

function fetchPolicy(domain: string, address: string, options: MtaStsOptions): Promise<string> {
  const host = `mta-sts.${domain}`;
  return new Promise((resolve, reject) => {
    const req = https.get(
      {
        host: address,
        servername: host,
        port: options.port ?? 443,
        path: '/.well-known/mta-sts.txt',
        headers: { host },
        ...(options.ca ? { ca: options.ca } : {}),
        timeout: options.fetchTimeoutMs ?? 10_000,
        // RFC 8461 3.3: no redirects, a valid certificate for mta-sts.<domain>.
        rejectUnauthorized: true,
      },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          return reject(new Error(`policy host answered ${res.statusCode}`));
        }
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
          if (body.length > MAX_POLICY_BYTES) req.destroy(new Error('policy too large'));
        });
        res.on('end', () => resolve(body));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('policy fetch timed out')));
    req.on('error', reject);
  });
}

export function createMtaStsLookup(options: MtaStsOptions): MtaStsLookup {
  const now = options.now ?? Date.now;
  const cache = new Map<string, { id: string; policy: MtaStsPolicy; expiresAt: number }>();
  return async (domain) => {
    const name = domain.toLowerCase();
    const cached = cache.get(name);
    const record = (await txtRecords(options.resolve, `_mta-sts.${name}`)).filter((t) => /^v=STSv1\s*(;|$)/.test(t));
    const id = record.length === 1 ? /(?:^|;)\s*id=([A-Za-z0-9]{1,32})\s*(;|$)/.exec(record[0]!)?.[1] : undefined;
    if (cached && cached.expiresAt > now() && (!id || id === cached.id)) return cached.policy;
    if (!id) return cached && cached.expiresAt > now() ? cached.policy : undefined;
    const addresses = (await options.resolve(`mta-sts.${name}`, 'A').catch(() => [])) as string[];
    if (!addresses.length) return cached && cached.expiresAt > now() ? cached.policy : undefined;
    try {
      const policy = parsePolicy(await fetchPolicy(name, addresses[0]!, options));
      if (!policy) return cached && cached.expiresAt > now() ? cached.policy : undefined;
      cache.set(name, { id, policy, expiresAt: now() + policy.maxAgeSeconds * 1000 });
      return policy;
    } catch {
      // RFC 8461 5.1: a policy that can't be fetched is no policy, unless one is cached.
      return cached && cached.expiresAt > now() ? cached.policy : undefined;
    }
  };
}
