import 'server-only';
import type { Db } from '../../db/client';
import { type DueDelivery, claimDueDeliveries, recordDeliveryAttempt } from '../../db/repositories/webhook.repository';
import { prunePlatformHistory } from '../../db/repositories/platform.repository';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
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
      const res = await fetch(webhook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Sealpost-Webhooks/1',
          [SIGNATURE_HEADER]: signWebhook(webhookSecret(webhook), body, timestamp),
          [EVENT_ID_HEADER]: `evt_${event.id}`,
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = res.status;
      await res.body?.cancel();
    } catch (err) {
      error = (err as Error).name === 'TimeoutError' ? 'timed out' : ((err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message).slice(0, 200);
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
        await Promise.all(claimed.map((d) => attempt(d).catch((err: Error) => options.log.warn({ err: err.message }, 'webhook delivery could not be recorded'))));
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
