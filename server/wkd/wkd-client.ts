import 'server-only';
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { armorBinaryKey, checkRecipientKey } from '../../crypto';
import { type DnsResolver, createDnsResolver } from '../mail/dns';
import { logger } from '../logger';
import { publicOnlyLookup } from '../net/public-address';
import { wkdHash } from './wkd.service';

/**
 * Looks up an external recipient's key in their domain's Web Key Directory, on behalf of the
 * browser (which can't: WKD servers rarely send CORS headers). The advanced method first
 * (https://openpgpkey.<domain>/.well-known/openpgpkey/<domain>/hu/<hash>?l=<local>), then the
 * direct one (https://<domain>/.well-known/openpgpkey/hu/<hash>?l=<local>).
 *
 * The request is driven by user input, so it is fenced: https only, port 443, no redirects, a few
 * seconds, a small body, and never to a loopback or private address. The key must carry the
 * address as a user ID and be able to encrypt.
 */
export type WkdResult = { status: 'found'; publicKey: string; fingerprint: string } | { status: 'not-found' } | { status: 'invalid'; reason: string };

export interface WkdClientOptions {
  /**
   * Tests: ask this origin (http allowed, loopback allowed) instead of the recipient's domain,
   * with the same paths. Sealpost's own WKD answers both methods' paths.
   */
  baseUrl?: string;
  timeoutMs?: number;
  maxBytes?: number;
  /** Resolves the directory's host (A and AAAA); DNS_SERVERS in production. Default: the system's. */
  resolve?: DnsResolver;
}

export const WKD_TIMEOUT_MS = 3000;
export const WKD_MAX_BYTES = 256 * 1024;

export function wkdUrls(address: string, baseUrl?: string): string[] {
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  const domain = address.slice(at + 1).toLowerCase();
  const query = `${wkdHash(local)}?l=${encodeURIComponent(local)}`;
  const advancedOrigin = baseUrl ?? `https://openpgpkey.${domain}`;
  const directOrigin = baseUrl ?? `https://${domain}`;
  return [`${advancedOrigin}/.well-known/openpgpkey/${domain}/hu/${query}`, `${directOrigin}/.well-known/openpgpkey/hu/${query}`];
}

export async function lookupWkd(address: string, options: WkdClientOptions = {}): Promise<WkdResult> {
  let invalid: WkdResult | undefined;
  for (const url of wkdUrls(address, options.baseUrl)) {
    const body = await fetchBounded(url, {
      timeoutMs: options.timeoutMs ?? WKD_TIMEOUT_MS,
      maxBytes: options.maxBytes ?? WKD_MAX_BYTES,
      allowPrivate: options.baseUrl !== undefined,
      resolve: options.resolve,
    });
    if (body.status !== 'ok') {
      if (body.status === 'too-large') invalid = { status: 'invalid', reason: 'the published key is too large' };
      continue;
    }
    const armored = (await armorBinaryKey(body.data)) ?? (looksArmored(body.data) ? new TextDecoder().decode(body.data) : null);
    if (!armored) {
      invalid = { status: 'invalid', reason: 'the directory did not serve an OpenPGP key' };
      continue;
    }
    const check = await checkRecipientKey(armored, address);
    if (check.status === 'ok') return { status: 'found', publicKey: armored, fingerprint: check.fingerprint };
    invalid = { status: 'invalid', reason: check.reason };
  }
  return invalid ?? { status: 'not-found' };
}

const looksArmored = (data: Uint8Array) => new TextDecoder().decode(data.subarray(0, 64)).includes('-----BEGIN PGP PUBLIC KEY BLOCK-----');

type Fetched = { status: 'ok'; data: Uint8Array } | { status: 'failed' | 'too-large' };

/** GET with a deadline and a size cap; every failure (DNS, TLS, status, time) is a tagged result. */
function fetchBounded(url: string, opts: { timeoutMs: number; maxBytes: number; allowPrivate: boolean; resolve?: DnsResolver }): Promise<Fetched> {
  const parsed = new URL(url);
  if (!opts.allowPrivate && (parsed.protocol !== 'https:' || (parsed.port && parsed.port !== '443'))) return Promise.resolve({ status: 'failed' });
  const client = parsed.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: Fetched) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      resolve(result);
    };
    const request = client.get(
      parsed,
      { lookup: opts.allowPrivate ? undefined : publicOnlyLookup(opts.resolve), headers: { accept: 'application/octet-stream' }, agent: false },
      (response) => {
        if (response.statusCode !== 200) return finish({ status: 'failed' });
        const declared = Number(response.headers['content-length'] ?? 0);
        if (declared > opts.maxBytes) return finish({ status: 'too-large' });
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > opts.maxBytes) return finish({ status: 'too-large' });
          chunks.push(chunk);
        });
        response.on('end', () => finish({ status: 'ok', data: new Uint8Array(Buffer.concat(chunks)) }));
        response.on('error', (err: Error & { code?: string }) => {
          logger.debug({ host: parsed.hostname, errorCode: err.code }, 'WKD response failed');
          finish({ status: 'failed' });
        });
      },
    );
    const timer = setTimeout(() => finish({ status: 'failed' }), opts.timeoutMs);
    request.on('error', (err: Error & { code?: string }) => {
      // Most domains publish no WKD: a lookup that fails is expected, so debug, not warn.
      logger.debug({ host: parsed.hostname, errorCode: err.code }, 'WKD request failed');
      finish({ status: 'failed' });
    });
  });
}

/**
 * lookupWkd behind a small in-memory cache: compose asks again whenever the recipient list changes,
 * and a remote directory should not see one request per keystroke. Found keys are kept for ten
 * minutes, misses for two.
 */
export function createCachedWkd(options: WkdClientOptions = {}, now: () => number = Date.now) {
  const cache = new Map<string, { result: Promise<WkdResult>; expires: number }>();
  return (address: string): Promise<WkdResult> => {
    const key = address.toLowerCase();
    const hit = cache.get(key);
    if (hit && hit.expires > now()) return hit.result;
    if (cache.size >= 1000) cache.delete(cache.keys().next().value!);
    const result = lookupWkd(address, options);
    const entry = { result, expires: now() + 120_000 };
    cache.set(key, entry);
    void result.then((r) => {
      if (r.status === 'found') entry.expires = now() + 600_000;
    });
    return result;
  };
}

const shared = new Map<string, (address: string) => Promise<WkdResult>>();

/** The process's WKD client for compose: one cache per set of DNS servers (one in practice). */
export function recipientWkd(dnsServers: string[]): (address: string) => Promise<WkdResult> {
  const key = dnsServers.join(',');
  let client = shared.get(key);
  if (!client) {
    client = createCachedWkd({ resolve: createDnsResolver(dnsServers) });
    shared.set(key, client);
  }
  return client;
}
