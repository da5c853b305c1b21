import http from 'node:http';
import https from 'node:https';
import type { InboundPlugin, Verdict } from './plugin';

/**
 * rspamd over its HTTP protocol: POST /checkv2 with the message (our Authentication-Results header
 * in front of it) and the envelope, client IP and HELO as request headers. Its action decides:
 *
 * - reject → 550 5.7.1 (or Spam, when the score is under `rejectScore`);
 * - soft reject, greylist → 451 4.7.1;
 * - add header, rewrite subject → Spam (also any action at or over `spamScore`);
 * - no action → the Inbox.
 *
 * The score and symbol names go into the encrypted summary. An answer that isn't one of these
 * (HTTP error, bad JSON, unknown action) is a failure: the runner applies the plugin's policy.
 */
export interface RspamdPluginOptions {
  /** Base URL of the normal worker, e.g. http://127.0.0.1:11333. */
  url: string;
  /** When set, rspamd's reject only rejects at or over this score; under it the message goes to Spam. */
  rejectScore?: number;
  /** When set, a score at or over this puts the message in Spam whatever the action. */
  spamScore?: number;
}

interface CheckResult {
  action: string;
  score: number;
  symbols: string[];
}

const MAX_SYMBOLS = 50;
const MAX_RESPONSE_BYTES = 1024 * 1024;

export function rspamdPlugin(options: RspamdPluginOptions): InboundPlugin {
  const endpoint = new URL('checkv2', options.url.endsWith('/') ? options.url : `${options.url}/`);
  return {
    name: 'rspamd',
    async data(message, signal) {
      const headers: [string, string][] = [
        ['IP', message.ip],
        ['From', message.mailFrom],
        ...message.rcptTo.map((rcpt): [string, string] => ['Rcpt', rcpt]),
        ...(message.helo ? [['Helo', message.helo] as [string, string]] : []),
        ['Queue-Id', message.sessionId],
      ];
      const body = Buffer.concat([message.authHeader, message.raw]);
      const result = await check(
        endpoint,
        headers.filter(([, value]) => isHeaderValue(value)),
        body,
        signal,
      );
      return verdictFor(result, options);
    },
  };
}

export function verdictFor(result: CheckResult, options: Pick<RspamdPluginOptions, 'rejectScore' | 'spamScore'>): Verdict {
  const tag = {
    score: result.score,
    symbols: result.symbols,
    headers: [['X-Spam-Score', result.score.toFixed(2)] as [string, string]],
  };
  const spamByScore = options.spamScore !== undefined && result.score >= options.spamScore;
  switch (result.action) {
    case 'reject':
      if (options.rejectScore !== undefined && result.score < options.rejectScore) {
        return { kind: 'tag', tag: { ...tag, folder: 'spam' } };
      }
      return { kind: 'reject', code: 550, text: '5.7.1 Message rejected as spam' };
    case 'soft reject':
    case 'greylist':
      return { kind: 'tempfail', code: 451, text: '4.7.1 Try again later' };
    case 'add header':
    case 'rewrite subject':
      return { kind: 'tag', tag: { ...tag, folder: 'spam' } };
    case 'no action':
      return { kind: 'tag', tag: spamByScore ? { ...tag, folder: 'spam' } : tag };
    default:
      throw Object.assign(new Error('rspamd answered an unknown action'), { code: 'RSPAMD_ACTION' });
  }
}

function isHeaderValue(value: string): boolean {
  return value.length > 0 && /^[\x21-\x7e]+$/.test(value);
}

function check(endpoint: URL, headers: [string, string][], body: Buffer, signal: AbortSignal): Promise<CheckResult> {
  return new Promise((resolve, reject) => {
    const transport = endpoint.protocol === 'https:' ? https : http;
    // An array of pairs: rspamd wants one Rcpt header per recipient, not a comma-joined list.
    const rawHeaders = [...headers.flat(), 'Content-Length', String(body.length)];
    const request = transport.request(endpoint, { method: 'POST', headers: rawHeaders, signal }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_RESPONSE_BYTES) return request.destroy(Object.assign(new Error('rspamd answer too large'), { code: 'RSPAMD_ANSWER' }));
        chunks.push(chunk);
      });
      response.on('error', reject);
      response.on('end', () => {
        if (response.statusCode !== 200) {
          return reject(Object.assign(new Error('rspamd answered an error'), { code: `HTTP_${response.statusCode}` }));
        }
        try {
          resolve(parseCheck(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
        } catch (err) {
          reject(err);
        }
      });
    });
    request.on('error', reject);
    request.end(body);
  });
}

function parseCheck(json: unknown): CheckResult {
  const value = json as { action?: unknown; score?: unknown; symbols?: unknown };
  if (typeof value?.action !== 'string' || typeof value.score !== 'number' || !Number.isFinite(value.score)) {
    throw Object.assign(new Error('rspamd answered something else'), { code: 'RSPAMD_ANSWER' });
  }
  const symbols = value.symbols && typeof value.symbols === 'object' ? Object.keys(value.symbols).slice(0, MAX_SYMBOLS) : [];
  return { action: value.action, score: value.score, symbols: symbols.filter((s) => /^[A-Za-z0-9_.-]{1,64}$/.test(s)) };
}
