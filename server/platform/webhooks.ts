import 'server-only';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '../../db/client';
import type { PlatformEventType, WebhookRow } from '../../db/platform-schema';
import { deleteWebhook, findWebhook, insertWebhook, listWebhookDeliveries, listWebhooks, updateWebhook } from '../../db/repositories/webhook.repository';
import type { Clock } from '../clock';
import { openAtRest, sealAtRest } from '../secrets';
import { AppError } from '../errors';
import { WEBHOOK_EVENTS } from './schemas';

export const WEBHOOK_SECRET_PURPOSE = 'webhook-secret';
const MAX_WEBHOOKS = 10;

export interface Webhook {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
  created_at: string;
}

const rowToWebhook = (r: WebhookRow): Webhook => ({ id: r.id, url: r.url, events: r.events, enabled: r.enabled, created_at: r.created_at.toISOString() });

export function webhookSecret(row: Pick<WebhookRow, 'secret'>): string {
  return openAtRest(row.secret, WEBHOOK_SECRET_PURPOSE);
}

// Opens and clicks aren't events here at all: tracking pixels are what this product blocks.
const DEFAULT_EVENTS: PlatformEventType[] = ['accepted', 'delivered', 'deferred', 'bounced', 'failed', 'suppressed'];

export async function createWebhook(
  db: Db,
  clock: Clock,
  domain: string,
  input: { url: string; events?: (typeof WEBHOOK_EVENTS)[number][]; enabled?: boolean },
): Promise<Webhook & { secret: string }> {
  if ((await listWebhooks(db, domain)).length >= MAX_WEBHOOKS) throw new AppError('BAD_INPUT', `A domain can have at most ${MAX_WEBHOOKS} webhooks.`);
  const secret = `whsec_${randomBytes(24).toString('base64url')}`;
  const row = await insertWebhook(db, {
    id: randomUUID(),
    domain,
    url: input.url,
    secret: sealAtRest(secret, WEBHOOK_SECRET_PURPOSE),
    events: input.events ?? DEFAULT_EVENTS,
    enabled: input.enabled ?? true,
    created_at: clock.now(),
  });
  return { ...rowToWebhook(row), secret };
}

export async function domainWebhooks(db: Db, domain: string): Promise<Webhook[]> {
  return (await listWebhooks(db, domain)).map(rowToWebhook);
}

export async function getWebhook(db: Db, domain: string, id: string): Promise<Webhook> {
  const row = /^[0-9a-f-]{36}$/i.test(id) ? await findWebhook(db, domain, id) : undefined;
  if (!row) throw new AppError('NOT_FOUND', 'That webhook does not exist.');
  return rowToWebhook(row);
}

export async function changeWebhook(
  db: Db,
  domain: string,
  id: string,
  input: { url?: string; events?: PlatformEventType[]; enabled?: boolean },
): Promise<Webhook> {
  await getWebhook(db, domain, id);
  const row = await updateWebhook(db, domain, id, input);
  if (!row) throw new AppError('NOT_FOUND', 'That webhook does not exist.');
  return rowToWebhook(row);
}

export async function removeWebhook(db: Db, domain: string, id: string): Promise<void> {
  await getWebhook(db, domain, id);
  await deleteWebhook(db, domain, id);
}

/** The delivery history of a webhook, newest first. */
export async function webhookHistory(db: Db, domain: string, id: string, limit = 100) {
  await getWebhook(db, domain, id);
  return (await listWebhookDeliveries(db, id, limit)).map((d) => ({
    id: String(d.id),
    event: d.type,
    recipient: d.recipient,
    message_id: d.message_id,
    status: d.status,
    attempts: d.attempts,
    last_status: d.last_status,
    last_error: d.last_error,
    created_at: d.created_at.toISOString(),
    next_attempt_at: d.status === 'pending' ? (d.next_attempt_at?.toISOString() ?? null) : null,
  }));
}
