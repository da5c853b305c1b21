import 'server-only';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Db } from '../../db/client';
import { type DueDelivery, claimDueDeliveries, recordDeliveryAttempt } from '../../db/repositories/webhook.repository';
import { prunePlatformHistory } from '../../db/repositories/platform.repository';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { isPublicAddress, publicOnlyLookup } from '../net/public-address';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signWebhook } from './webhook-signature';
import { webhookSecret } from './webhooks';

export interface DispatcherOptions {
  db: Db;
  clock: Clock;
  log: Logger;
  /** How often to look for due deliveries when there were none. */
  pollMs?: number;
  /** The first retry's delay; each next one doubles, up to 6 hours. */
  retryBaseMs?: number;
  /** Attempts before a delivery is given up ('failed'). */
  maxAttempts?: number;
  /** Time-out of one HTTP request. */
  timeoutMs?: number;
  batchSize?: number;
  /**
   * WEBHOOK_ALLOW_PRIVATE: let webhooks reach loopback and private addresses (tests, or receivers on
   * the operator's own network). Off by default: a domain owner's URL must not reach services
   * inside the operator's network.
   */
  allowPrivateTargets?: boolean;
}

/** One POST; resolves with the status, whatever it is. Redirects are not followed. */
function post(url: string, headers: Record<string, string>, body: string, options: { timeoutMs: number; allowPrivate: boolean }): Promise<number> {
  const target = new URL(url);
  const request = target.protocol === 'https:' ? https.request : http.request;
  // An address in the URL is never looked up, so the lookup's check can't see it: check it here.
  const literal = target.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!options.allowPrivate && net.isIP(literal) && !isPublicAddress(literal)) {
    return Promise.reject(Object.assign(new Error(`${literal} is not a public address`), { code: 'EADDRNOTPUBLIC' }));
  }
  return new Promise((resolve, reject) => {
    const req = request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: options.allowPrivate ? undefined : publicOnlyLookup(undefined),
        timeout: options.timeoutMs,
        agent: false,
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { name: 'TimeoutError' })));
    req.on('error', reject);
    req.end(body);
  });
}

/** Events, the send log and webhook history are kept 90 days (stats reach that far back); Idempotency-Keys a day. */
export const HISTORY_RETENTION_MS = 90 * 86_400_000;
export const IDEMPOTENCY_RETENTION_MS = 86_400_000;
const PRUNE_EVERY_MS = 3_600_000;

export interface WebhookDispatcher {
  stop(): Promise<void>;
}

/**
 * Delivers webhook events from the worker role, on its own loop: a slow or failing endpoint delays
 * only its own deliveries, never mail. Each delivery is leased while its request runs (a worker
 * that dies leaves it to be retried), retried with exponential backoff, and its outcome kept as
 * the webhook's visible history.
 */
export function startWebhookDispatcher(options: DispatcherOptions): WebhookDispatcher {
  const pollMs = options.pollMs ?? 1000;
  const retryBaseMs = options.retryBaseMs ?? 30_000;
  const maxAttempts = options.maxAttempts ?? 12;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const batchSize = options.batchSize ?? 32;
  let running = true;
  let wake: () => void = () => undefined;

  async function attempt(due: DueDelivery): Promise<void> {
    const { delivery, webhook, event } = due;
    const body = JSON.stringify({
      id: `evt_${event.id}`,
      type: event.type,
      created_at: event.created_at.toISOString(),
      domain: event.domain,
      message_id: event.message_id,
      recipient: event.recipient,
      detail: event.detail,
    });
    const timestamp = Math.floor(options.clock.now().getTime() / 1000);
    let status: number | null = null;
    let error: string | null = null;
    try {
      status = await post(
        webhook.url,
        {
          'content-type': 'application/json',
          'user-agent': 'Sealpost-Webhooks/1',
          [SIGNATURE_HEADER]: signWebhook(webhookSecret(webhook), body, timestamp),
          [EVENT_ID_HEADER]: `evt_${event.id}`,
        },
        body,
        { timeoutMs, allowPrivate: options.allowPrivateTargets ?? false },
      );
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      error =
        (err as Error).name === 'TimeoutError'
          ? 'timed out'
          : code === 'EADDRNOTPUBLIC'
            ? 'refused: the URL resolves to a private or loopback address'
            : (code ?? (err as Error).message).slice(0, 200);
    }
    const now = options.clock.now();
    const ok = status !== null && status >= 200 && status < 300;
    const attempts = delivery.attempts; // already counted by the claim
    const giveUp = !ok && attempts >= maxAttempts;
    await recordDeliveryAttempt(options.db, delivery.id, {
      status: ok ? 'delivered' : giveUp ? 'failed' : 'pending',
      nextAttemptAt: ok || giveUp ? null : new Date(now.getTime() + Math.min(retryBaseMs * 2 ** (attempts - 1), 6 * 3_600_000)),
      lastStatus: status,
      lastError: ok ? null : (error ?? `HTTP ${status}`),
      finishedAt: ok || giveUp ? now : null,
    });
  }

  let prunedAt = 0;
  const loop = (async () => {
    while (running) {
      if (Date.now() - prunedAt > PRUNE_EVERY_MS) {
        prunedAt = Date.now();
        const now = options.clock.now().getTime();
        await prunePlatformHistory(options.db, new Date(now - HISTORY_RETENTION_MS), new Date(now - IDEMPOTENCY_RETENTION_MS)).catch((err: Error) =>
          options.log.warn({ err: err.message }, 'platform history could not be pruned; retrying within the hour'),
        );
      }
      let claimed: DueDelivery[] = [];
      try {
        claimed = await claimDueDeliveries(options.db, options.clock.now(), timeoutMs + 30_000, batchSize);
        await Promise.all(
          claimed.map((d) => attempt(d).catch((err: Error) => options.log.warn({ err: err.message }, 'webhook delivery could not be recorded'))),
        );
      } catch (err) {
        options.log.warn({ err: (err as Error).message }, 'webhook dispatcher could not claim deliveries; retrying');
      }
      if (claimed.length === batchSize) continue;
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, pollMs).unref();
      });
    }
  })();

  return {
    async stop() {
      running = false;
      wake();
      await loop;
    },
  };
}
