/**
 * A typed client for the Sealpost sending API. No dependencies: it needs only `fetch` (Node 20+,
 * browsers). Every method maps to one operation of /api/v1/openapi.json (its operationId is named
 * beside it), and failures throw SealpostApiError with the server's code, message and field issues.
 *
 *   const sealpost = new SealpostClient({ baseUrl: 'https://mail.example.com', apiKey: process.env.SEALPOST_KEY! });
 *   const { id } = await sealpost.messages.send({ from: 'orders@shop.example', to: 'ann@example.com', template_id: 'welcome', variables: { name: 'Ann' } });
 */

export type Scope = 'send' | 'stats' | 'templates' | 'webhooks';
export type EventType = 'accepted' | 'delivered' | 'deferred' | 'bounced' | 'failed' | 'suppressed' | 'cancelled';

export interface Attachment {
  filename: string;
  /** base64 */
  content: string;
  content_type?: string;
}

interface Content {
  subject?: string;
  text?: string;
  html?: string;
  template_id?: string;
  variables?: Record<string, unknown>;
  attachments?: Attachment[];
  headers?: Record<string, string>;
  tags?: string[];
  metadata?: Record<string, string>;
  /** ISO 8601 */
  send_at?: string;
  reply_to?: string;
}

export interface SendMessage extends Content {
  from: string;
  to: string | string[];
  cc?: string | string[];
  bcc?: string | string[];
}

export interface SendBatch extends Content {
  from: string;
  recipients: { to: string; variables?: Record<string, unknown>; metadata?: Record<string, string> }[];
}

export interface Accepted {
  id: string;
  status: 'queued' | 'scheduled' | 'suppressed';
}

export interface BatchAccepted {
  batch_id: string;
  messages: (Accepted & { to: string })[];
}

export interface MessageStatus {
  id: string;
  from: string;
  status: string;
  tags: string[];
  metadata: Record<string, string>;
  created_at: string;
  send_at: string;
  recipients: { address: string; status: EventType; events: { type: EventType; at: string; detail: string | null }[] }[];
}

export interface TemplateInput {
  name: string;
  subject: string;
  html?: string;
  text?: string;
}

export interface Template {
  id: string;
  name: string;
  version: number;
  subject: string;
  html: string | null;
  text: string | null;
  created_at: string;
  updated_at: string;
}

export interface Preview {
  subject: string;
  html: string | null;
  text: string;
}

export interface Suppression {
  address: string;
  reason: 'hard-bounce' | 'manual';
  detail: string | null;
  created_at: string;
}

export interface WebhookInput {
  url: string;
  events?: EventType[];
  enabled?: boolean;
}

export interface Webhook {
  id: string;
  url: string;
  events: EventType[];
  enabled: boolean;
  created_at: string;
}

export interface WebhookDelivery {
  id: string;
  event: EventType;
  recipient: string;
  message_id: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  created_at: string;
  next_attempt_at: string | null;
}

export interface Stats {
  totals: ({ day: string } & Record<'accepted' | 'delivered' | 'deferred' | 'bounced' | 'failed' | 'suppressed', number>)[];
  days: ({ day: string; tag: string | null } & Record<'accepted' | 'delivered' | 'deferred' | 'bounced' | 'failed' | 'suppressed', number>)[];
  latency: { day: string; p50_ms: number; p95_ms: number; p99_ms: number }[];
}

export class SealpostApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: { path: string; message: string }[] = [],
    /** Seconds to wait, from Retry-After, on a 429. */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
    this.name = 'SealpostApiError';
  }
}

export interface ClientOptions {
  /** The Sealpost web address, e.g. https://mail.example.com */
  baseUrl: string;
  apiKey: string;
  fetch?: typeof fetch;
}

export class SealpostClient {
  private readonly base: string;
  private readonly doFetch: typeof fetch;

  constructor(private readonly options: ClientOptions) {
    this.base = `${options.baseUrl.replace(/\/+$/, '')}/api/v1`;
    this.doFetch = options.fetch ?? fetch;
  }

  private async request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const res = await this.doFetch(`${this.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.options.apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const json = text ? (JSON.parse(text) as unknown) : undefined;
    if (!res.ok) {
      const error = (json as { error?: { code?: string; message?: string; issues?: { path: string; message: string }[] } } | undefined)?.error;
      const retryAfter = res.headers.get('retry-after');
      throw new SealpostApiError(
        res.status,
        error?.code ?? 'HTTP_ERROR',
        error?.message ?? `HTTP ${res.status}`,
        error?.issues,
        retryAfter ? Number(retryAfter) : null,
      );
    }
    return json as T;
  }

  private idempotency(key?: string): Record<string, string> {
    return key ? { 'idempotency-key': key } : {};
  }

  readonly messages = {
    /** postMessages */
    send: (input: SendMessage, options: { idempotencyKey?: string } = {}) =>
      this.request<Accepted>('POST', '/messages', input, this.idempotency(options.idempotencyKey)),
    /** postMessagesBatch */
    sendBatch: (input: SendBatch, options: { idempotencyKey?: string } = {}) =>
      this.request<BatchAccepted>('POST', '/messages/batch', input, this.idempotency(options.idempotencyKey)),
    /** getMessages */
    list: (options: { limit?: number } = {}) =>
      this.request<{ messages: MessageStatus[] }>('GET', `/messages${options.limit ? `?limit=${options.limit}` : ''}`),
    /** getMessagesId */
    get: (id: string) => this.request<MessageStatus>('GET', `/messages/${encodeURIComponent(id)}`),
    /** postMessagesIdCancel */
    cancel: (id: string) => this.request<MessageStatus>('POST', `/messages/${encodeURIComponent(id)}/cancel`),
  };

  readonly templates = {
    /** getTemplates */
    list: () => this.request<{ templates: Template[] }>('GET', '/templates'),
    /** postTemplates */
    create: (input: TemplateInput) => this.request<Template>('POST', '/templates', input),
    /** getTemplatesId */
    get: (idOrName: string) => this.request<Template>('GET', `/templates/${encodeURIComponent(idOrName)}`),
    /** putTemplatesId */
    update: (idOrName: string, input: Omit<TemplateInput, 'name'>) => this.request<Template>('PUT', `/templates/${encodeURIComponent(idOrName)}`, input),
    /** deleteTemplatesId */
    delete: (idOrName: string) => this.request<void>('DELETE', `/templates/${encodeURIComponent(idOrName)}`),
    /** getTemplatesIdVersions */
    versions: (idOrName: string) =>
      this.request<{ versions: Omit<Template, 'id' | 'name' | 'updated_at'>[] }>('GET', `/templates/${encodeURIComponent(idOrName)}/versions`),
    /** postTemplatesIdPreview */
    preview: (idOrName: string, input: { variables?: Record<string, unknown>; version?: number } = {}) =>
      this.request<Preview>('POST', `/templates/${encodeURIComponent(idOrName)}/preview`, input),
  };

  readonly suppressions = {
    /** getSuppressions */
    list: () => this.request<{ suppressions: Suppression[] }>('GET', '/suppressions'),
    /** postSuppressions */
    add: (address: string) => this.request<Suppression>('POST', '/suppressions', { address }),
    /** deleteSuppressionsAddress */
    remove: (address: string) => this.request<void>('DELETE', `/suppressions/${encodeURIComponent(address)}`),
  };

  /** getStats: dates are YYYY-MM-DD (UTC), both inclusive; the default is the last 30 days. */
  stats(range: { from?: string; to?: string } = {}): Promise<Stats> {
    const query = new URLSearchParams(Object.entries(range).filter(([, v]) => v) as [string, string][]).toString();
    return this.request<Stats>('GET', `/stats${query ? `?${query}` : ''}`);
  }

  readonly webhooks = {
    /** getWebhooks */
    list: () => this.request<{ webhooks: Webhook[] }>('GET', '/webhooks'),
    /** postWebhooks: the answer's `secret` is shown only here. */
    create: (input: WebhookInput) => this.request<Webhook & { secret: string }>('POST', '/webhooks', input),
    /** getWebhooksId */
    get: (id: string) => this.request<Webhook>('GET', `/webhooks/${encodeURIComponent(id)}`),
    /** patchWebhooksId */
    update: (id: string, input: Partial<WebhookInput>) => this.request<Webhook>('PATCH', `/webhooks/${encodeURIComponent(id)}`, input),
    /** deleteWebhooksId */
    delete: (id: string) => this.request<void>('DELETE', `/webhooks/${encodeURIComponent(id)}`),
    /** getWebhooksIdDeliveries */
    deliveries: (id: string) => this.request<{ deliveries: WebhookDelivery[] }>('GET', `/webhooks/${encodeURIComponent(id)}/deliveries`),
  };
}
