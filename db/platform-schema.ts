import type { ColumnType, Generated, Selectable } from 'kysely';

/** Tables of the sending platform (db/migrations/2026_12_03_1143_create_sending_platform.ts). */

export type ApiScope = 'send' | 'stats' | 'templates' | 'webhooks';
export type PlatformMessageStatus = 'scheduled' | 'queued' | 'cancelled' | 'suppressed';
export type PlatformEventType = 'accepted' | 'delivered' | 'deferred' | 'bounced' | 'failed' | 'suppressed' | 'cancelled';

export interface ApiKeysTable {
  id: string;
  domain: string;
  domain_id: string | null;
  owner_id: string;
  name: string;
  prefix: string;
  key_hash: Uint8Array;
  scopes: ApiScope[];
  rate_per_minute: number;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

/** A key's shared token bucket (db/migrations/2026_12_03_1457_create_api_key_rate_buckets.ts). */
export interface ApiKeyRateBucketsTable {
  key_id: string;
  tokens: number;
  refilled_at: ColumnType<Date, Date | undefined, Date>;
  granted: ColumnType<number, number | undefined, number>;
}

export interface PlatformMessagesTable {
  id: string;
  domain: string;
  key_id: string | null;
  envelope_from: string;
  status: PlatformMessageStatus;
  source: 'api' | 'smtp';
  tags: ColumnType<string[], string[] | undefined, string[]>;
  metadata: ColumnType<Record<string, string>, string | undefined, string>;
  batch_id: string | null;
  send_at: Date;
  created_at: Date;
}

export interface PlatformEventsTable {
  id: Generated<string>;
  message_id: string;
  domain: string;
  recipient: string;
  type: PlatformEventType;
  detail: string | null;
  created_at: ColumnType<Date, Date | undefined, Date>;
}

export interface IdempotencyKeysTable {
  key_id: string;
  idempotency_key: string;
  request_hash: string;
  response: ColumnType<unknown, string, string>;
  created_at: Date;
}

export interface TemplatesTable {
  id: string;
  domain: string;
  name: string;
  version: number;
  subject: string;
  html: string | null;
  text: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface TemplateVersionsTable {
  template_id: string;
  version: number;
  subject: string;
  html: string | null;
  text: string | null;
  created_at: Date;
}

export interface SuppressionsTable {
  domain: string;
  address: string;
  reason: 'hard-bounce' | 'manual';
  detail: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export interface WebhooksTable {
  id: string;
  domain: string;
  url: string;
  secret: Uint8Array;
  events: PlatformEventType[];
  enabled: boolean;
  created_at: Date;
}

export interface WebhookDeliveriesTable {
  id: Generated<string>;
  webhook_id: string;
  event_id: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: Date | null;
  last_status: number | null;
  last_error: string | null;
  created_at: Date;
  finished_at: Date | null;
}

export type ApiKeyRow = Selectable<ApiKeysTable>;
export type PlatformMessageRow = Selectable<PlatformMessagesTable>;
export type PlatformEventRow = Selectable<PlatformEventsTable>;
export type TemplateRow = Selectable<TemplatesTable>;
export type TemplateVersionRow = Selectable<TemplateVersionsTable>;
export type SuppressionRow = Selectable<SuppressionsTable>;
export type WebhookRow = Selectable<WebhooksTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;
