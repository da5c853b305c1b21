import 'server-only';
import { sql } from 'kysely';
import type { Db } from '../client';
import type { PlatformEventRow, PlatformEventType, WebhookDeliveryRow, WebhookRow } from '../platform-schema';

export async function insertWebhook(db: Db, row: WebhookRow): Promise<WebhookRow> {
  return db.insertInto('webhooks').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function listWebhooks(db: Db, domain: string): Promise<WebhookRow[]> {
  return db.selectFrom('webhooks').selectAll().where('domain', '=', domain).orderBy('created_at').execute();
}

export async function findWebhook(db: Db, domain: string, id: string): Promise<WebhookRow | undefined> {
  return db.selectFrom('webhooks').selectAll().where('domain', '=', domain).where('id', '=', id).executeTakeFirst();
}

export async function updateWebhook(
  db: Db,
  domain: string,
  id: string,
  changes: { url?: string; events?: PlatformEventType[]; enabled?: boolean },
): Promise<WebhookRow | undefined> {
  if (Object.keys(changes).length === 0) return findWebhook(db, domain, id);
  return db.updateTable('webhooks').set(changes).where('domain', '=', domain).where('id', '=', id).returningAll().executeTakeFirst();
}

export async function deleteWebhook(db: Db, domain: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('webhooks').where('domain', '=', domain).where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function listWebhookDeliveries(
  db: Db,
  webhookId: string,
  limit: number,
): Promise<(WebhookDeliveryRow & { type: string; recipient: string; message_id: string })[]> {
  return db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('platform_events as e', 'e.id', 'd.event_id')
    .selectAll('d')
    .select(['e.type', 'e.recipient', 'e.message_id'])
    .where('d.webhook_id', '=', webhookId)
    .orderBy('d.id', 'desc')
    .limit(limit)
    .execute();
}

export interface DueDelivery {
  delivery: WebhookDeliveryRow;
  webhook: WebhookRow;
  event: PlatformEventRow;
}

/**
 * Takes due deliveries for one attempt each: pushed `leaseMs` ahead in the same statement, so a
 * worker that dies mid-request leaves them to be retried, and two workers never take one together.
 */
export async function claimDueDeliveries(db: Db, now: Date, leaseMs: number, limit: number): Promise<DueDelivery[]> {
  const { rows } = await sql<{ d: WebhookDeliveryRow; w: WebhookRow; e: PlatformEventRow }>`
    WITH due AS (
      SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= ${now}
       ORDER BY next_attempt_at LIMIT ${limit} FOR UPDATE SKIP LOCKED),
    taken AS (
      UPDATE webhook_deliveries d SET next_attempt_at = ${new Date(now.getTime() + leaseMs)}, attempts = d.attempts + 1
        FROM due WHERE d.id = due.id RETURNING d.*)
    SELECT to_jsonb(taken) AS d, to_jsonb(w) AS w, to_jsonb(e) AS e
      FROM taken JOIN webhooks w ON w.id = taken.webhook_id JOIN platform_events e ON e.id = taken.event_id`.execute(db);
  return rows.map((r) => ({
    delivery: { ...r.d, created_at: new Date(r.d.created_at) },
    webhook: { ...r.w, secret: Buffer.from((r.w.secret as unknown as string).replace(/^\\x/, ''), 'hex') },
    event: { ...r.e, id: String(r.e.id), created_at: new Date(r.e.created_at) },
  }));
}

export async function recordDeliveryAttempt(
  db: Db,
  id: string,
  outcome: {
    status: 'pending' | 'delivered' | 'failed';
    nextAttemptAt: Date | null;
    lastStatus: number | null;
    lastError: string | null;
    finishedAt: Date | null;
  },
): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({
      status: outcome.status,
      next_attempt_at: outcome.nextAttemptAt,
      last_status: outcome.lastStatus,
      last_error: outcome.lastError,
      finished_at: outcome.finishedAt,
    })
    .where('id', '=', id)
    .execute();
}
