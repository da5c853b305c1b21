import { z } from 'zod';

/**
 * The REST API's request and response bodies. The handlers validate with these, and the OpenAPI
 * document (openapi.ts) is generated from them, so the two can't drift.
 */

export const MAX_RECIPIENTS_PER_MESSAGE = 50;
export const MAX_BATCH = 1000;

const address = z.string().min(3).max(320).meta({ description: 'An email address, optionally with a name: "Ann <ann@example.com>"' });
const addressList = z.union([address, z.array(address).max(MAX_RECIPIENTS_PER_MESSAGE)]);
const variables = z.record(z.string(), z.unknown()).meta({ description: 'Template variables' });
const tags = z
  .array(
    z
      .string()
      .min(1)
      .max(64)
      .regex(/^[\w.:-]+$/, 'letters, digits, _ . : - only'),
  )
  .max(10);
const metadata = z.record(z.string().max(64), z.string().max(1000)).meta({ description: 'Your own key/value pairs, returned with events' });

export const attachmentSchema = z.object({
  filename: z.string().min(1).max(255),
  content: z.string().meta({ description: 'The file, base64' }),
  content_type: z.string().max(255).optional(),
});

const content = {
  subject: z.string().max(998).optional(),
  text: z.string().optional(),
  html: z.string().optional(),
  template_id: z.string().max(100).optional().meta({ description: 'A template id or name, instead of subject/text/html' }),
  variables: variables.optional(),
  attachments: z.array(attachmentSchema).max(20).optional(),
  headers: z.record(z.string().max(76), z.string().max(998)).optional().meta({ description: 'Extra headers, such as List-Unsubscribe or X-*' }),
  tags: tags.optional(),
  metadata: metadata.optional(),
  send_at: z.iso.datetime({ offset: true }).optional().meta({ description: 'When to send (ISO 8601); now if absent' }),
};

export const sendMessageSchema = z
  .object({
    from: address.meta({ description: 'Any address of the key’s domain' }),
    to: addressList,
    cc: addressList.optional(),
    bcc: addressList.optional(),
    reply_to: address.optional(),
    ...content,
  })
  .meta({ id: 'SendMessage' });

export const batchSchema = z
  .object({
    from: address,
    reply_to: address.optional(),
    ...content,
    recipients: z
      .array(z.object({ to: address, variables: variables.optional(), metadata: metadata.optional() }))
      .min(1)
      .max(MAX_BATCH),
  })
  .meta({ id: 'SendBatch' });

export const acceptedSchema = z.object({ id: z.string(), status: z.string() }).meta({ id: 'Accepted' });
export const batchAcceptedSchema = z
  .object({ batch_id: z.string(), messages: z.array(z.object({ id: z.string(), to: z.string(), status: z.string() })) })
  .meta({ id: 'BatchAccepted' });

export const eventSchema = z.object({ type: z.string(), at: z.string(), detail: z.string().nullable() });
export const messageStatusSchema = z
  .object({
    id: z.string(),
    from: z.string(),
    status: z.string(),
    tags: z.array(z.string()),
    metadata: z.record(z.string(), z.string()),
    created_at: z.string(),
    send_at: z.string(),
    recipients: z.array(z.object({ address: z.string(), status: z.string(), events: z.array(eventSchema) })),
  })
  .meta({ id: 'MessageStatus' });
export const messageListSchema = z.object({ messages: z.array(messageStatusSchema) }).meta({ id: 'MessageList' });

export const templateInputSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[\w.-]+$/, 'letters, digits, _ . - only'),
    subject: z.string().min(1).max(998),
    html: z.string().max(1_000_000).optional(),
    text: z.string().max(1_000_000).optional(),
  })
  .meta({ id: 'TemplateInput' });
export const templateUpdateSchema = templateInputSchema.omit({ name: true }).meta({ id: 'TemplateUpdate' });
export const templateSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    version: z.number().int(),
    subject: z.string(),
    html: z.string().nullable(),
    text: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'Template' });
export const templateListSchema = z.object({ templates: z.array(templateSchema) }).meta({ id: 'TemplateList' });
export const templateVersionsSchema = z
  .object({
    versions: z.array(
      z.object({ version: z.number().int(), subject: z.string(), html: z.string().nullable(), text: z.string().nullable(), created_at: z.string() }),
    ),
  })
  .meta({ id: 'TemplateVersions' });
export const previewInputSchema = z.object({ variables: variables.optional(), version: z.number().int().positive().optional() }).meta({ id: 'PreviewInput' });
export const previewSchema = z.object({ subject: z.string(), html: z.string().nullable(), text: z.string() }).meta({ id: 'Preview' });

export const suppressionSchema = z
  .object({ address: z.string(), reason: z.string(), detail: z.string().nullable(), created_at: z.string() })
  .meta({ id: 'Suppression' });
export const suppressionListSchema = z.object({ suppressions: z.array(suppressionSchema) }).meta({ id: 'SuppressionList' });
export const suppressionInputSchema = z.object({ address }).meta({ id: 'SuppressionInput' });

export const WEBHOOK_EVENTS = ['accepted', 'delivered', 'deferred', 'bounced', 'failed', 'suppressed', 'cancelled'] as const;
export const webhookInputSchema = z
  .object({
    url: z.url({ protocol: /^https?$/ }).max(2000),
    events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).optional().meta({ description: 'Default: every event type' }),
    enabled: z.boolean().optional(),
  })
  .meta({ id: 'WebhookInput' });
export const webhookUpdateSchema = webhookInputSchema.partial().meta({ id: 'WebhookUpdate' });
export const webhookSchema = z
  .object({ id: z.string(), url: z.string(), events: z.array(z.string()), enabled: z.boolean(), created_at: z.string() })
  .meta({ id: 'Webhook' });
export const webhookCreatedSchema = webhookSchema
  .extend({ secret: z.string().meta({ description: 'Shown once: verify signatures with it' }) })
  .meta({ id: 'WebhookCreated' });
export const webhookListSchema = z.object({ webhooks: z.array(webhookSchema) }).meta({ id: 'WebhookList' });
export const webhookDeliveriesSchema = z
  .object({
    deliveries: z.array(
      z.object({
        id: z.string(),
        event: z.string(),
        recipient: z.string(),
        message_id: z.string(),
        status: z.string(),
        attempts: z.number().int(),
        last_status: z.number().int().nullable(),
        last_error: z.string().nullable(),
        created_at: z.string(),
        next_attempt_at: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: 'WebhookDeliveries' });

export const statsQuerySchema = z.object({ from: z.iso.date().optional(), to: z.iso.date().optional() });
const dayCounts = { accepted: z.number(), delivered: z.number(), deferred: z.number(), bounced: z.number(), failed: z.number(), suppressed: z.number() };
export const statsSchema = z
  .object({
    totals: z.array(z.object({ day: z.string(), ...dayCounts })).meta({ description: 'Per day, all messages' }),
    days: z.array(
      z.object({
        day: z.string(),
        tag: z.string().nullable(),
        accepted: z.number(),
        delivered: z.number(),
        deferred: z.number(),
        bounced: z.number(),
        failed: z.number(),
        suppressed: z.number(),
      }),
    ),
    latency: z.array(z.object({ day: z.string(), p50_ms: z.number(), p95_ms: z.number(), p99_ms: z.number() })),
  })
  .meta({ id: 'Stats' });

export const errorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string(), issues: z.array(z.object({ path: z.string(), message: z.string() })).optional() }) })
  .meta({ id: 'Error' });

export type SendMessageInput = z.infer<typeof sendMessageSchema>;
export type BatchInput = z.infer<typeof batchSchema>;
