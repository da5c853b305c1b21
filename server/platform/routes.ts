import 'server-only';
import { z } from 'zod';
import type { ApiScope } from '../../db/platform-schema';
import { type ApiPrincipal, requireScope } from './api-keys';
import { cancelMessage, messageStatus, recentMessages } from './messages';
import * as s from './schemas';
import { type SendDeps, sendBatch, sendMessage } from './send';
import { domainStats } from './stats';
import { suppress, suppressionsOf, unsuppress } from './suppressions';
import { changeTemplate, createTemplate, listDomainTemplates, getTemplate, previewTemplate, removeTemplate, templateVersions } from './templates';
import { changeWebhook, createWebhook, domainWebhooks, getWebhook, removeWebhook, webhookHistory } from './webhooks';

/** What a handler gets: the key's principal, the path parameters, the parsed body and query. */
export interface RouteCall<B, Q> {
  deps: SendDeps;
  principal: ApiPrincipal;
  params: Record<string, string>;
  body: B;
  query: Q;
  idempotencyKey?: string;
  rawBody: unknown;
}

export interface Route<B = any, Q = any> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** OpenAPI-style: /messages/{id} */
  path: string;
  /** Any one of these scopes admits the request. */
  scopes: ApiScope[];
  summary: string;
  tag: string;
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  response?: z.ZodType;
  status: number;
  /** The maximum request body, in bytes. */
  maxBody?: number;
  idempotent?: boolean;
  handler(call: RouteCall<B, Q>): Promise<unknown>;
}

const route = <B, Q>(r: Route<B, Q>) => r;
const limitQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).optional() });
const MB = 1024 * 1024;

export const ROUTES: Route[] = [
  route({
    method: 'POST',
    path: '/messages',
    scopes: ['send'],
    tag: 'Messages',
    summary: 'Send one message',
    body: s.sendMessageSchema,
    response: s.acceptedSchema,
    status: 202,
    maxBody: 40 * MB,
    idempotent: true,
    handler: async ({ deps, principal, body, idempotencyKey, rawBody }) => {
      const accepted = await sendMessage(deps, principal, body, { idempotencyKey, body: rawBody });
      return { id: accepted.id, status: accepted.status };
    },
  }),
  route({
    method: 'POST',
    path: '/messages/batch',
    scopes: ['send'],
    tag: 'Messages',
    summary: 'Send one message to each of up to 1,000 recipients, each with its own variables',
    body: s.batchSchema,
    response: s.batchAcceptedSchema,
    status: 202,
    maxBody: 40 * MB,
    idempotent: true,
    handler: ({ deps, principal, body, idempotencyKey, rawBody }) => sendBatch(deps, principal, body, { idempotencyKey, body: rawBody }),
  }),
  route({
    method: 'GET',
    path: '/messages',
    scopes: ['send', 'stats'],
    tag: 'Messages',
    summary: 'Recent messages, newest first, with their recipients’ events',
    query: limitQuery,
    response: s.messageListSchema,
    status: 200,
    handler: async ({ deps, principal, query }) => ({ messages: await recentMessages(deps.db, principal.domain, query.limit ?? 50) }),
  }),
  route({
    method: 'GET',
    path: '/messages/{id}',
    scopes: ['send', 'stats'],
    tag: 'Messages',
    summary: 'A message’s status and each recipient’s events',
    response: s.messageStatusSchema,
    status: 200,
    handler: ({ deps, principal, params }) => messageStatus(deps.db, principal.domain, params.id!),
  }),
  route({
    method: 'POST',
    path: '/messages/{id}/cancel',
    scopes: ['send'],
    tag: 'Messages',
    summary: 'Cancel a message still waiting for its send_at',
    response: s.messageStatusSchema,
    status: 200,
    handler: ({ deps, principal, params }) => cancelMessage(deps.db, deps.clock, principal.domain, principal.ownerId, params.id!),
  }),
  route({
    method: 'GET',
    path: '/templates',
    scopes: ['templates', 'send'],
    tag: 'Templates',
    summary: 'List templates',
    response: s.templateListSchema,
    status: 200,
    handler: async ({ deps, principal }) => ({ templates: await listDomainTemplates(deps.db, principal.domain) }),
  }),
  route({
    method: 'POST',
    path: '/templates',
    scopes: ['templates'],
    tag: 'Templates',
    summary: 'Create a template (Handlebars; HTML variables are escaped)',
    body: s.templateInputSchema,
    response: s.templateSchema,
    status: 201,
    maxBody: 2 * MB,
    handler: ({ deps, principal, body }) => createTemplate(deps.db, deps.clock, principal.domain, body),
  }),
  route({
    method: 'GET',
    path: '/templates/{id}',
    scopes: ['templates', 'send'],
    tag: 'Templates',
    summary: 'A template by id or name',
    response: s.templateSchema,
    status: 200,
    handler: ({ deps, principal, params }) => getTemplate(deps.db, principal.domain, params.id!),
  }),
  route({
    method: 'PUT',
    path: '/templates/{id}',
    scopes: ['templates'],
    tag: 'Templates',
    summary: 'Save a new version of a template',
    body: s.templateUpdateSchema,
    response: s.templateSchema,
    status: 200,
    maxBody: 2 * MB,
    handler: ({ deps, principal, params, body }) => changeTemplate(deps.db, deps.clock, principal.domain, params.id!, body),
  }),
  route({
    method: 'DELETE',
    path: '/templates/{id}',
    scopes: ['templates'],
    tag: 'Templates',
    summary: 'Delete a template and its versions',
    status: 204,
    handler: ({ deps, principal, params }) => removeTemplate(deps.db, principal.domain, params.id!),
  }),
  route({
    method: 'GET',
    path: '/templates/{id}/versions',
    scopes: ['templates'],
    tag: 'Templates',
    summary: 'Every version of a template, newest first',
    response: s.templateVersionsSchema,
    status: 200,
    handler: async ({ deps, principal, params }) => ({ versions: await templateVersions(deps.db, principal.domain, params.id!) }),
  }),
  route({
    method: 'POST',
    path: '/templates/{id}/preview',
    scopes: ['templates', 'send'],
    tag: 'Templates',
    summary: 'Render a template with variables, without sending',
    body: s.previewInputSchema,
    response: s.previewSchema,
    status: 200,
    handler: ({ deps, principal, params, body }) => previewTemplate(deps.db, principal.domain, params.id!, body.variables ?? {}, body.version),
  }),
  route({
    method: 'GET',
    path: '/suppressions',
    scopes: ['send'],
    tag: 'Suppressions',
    summary: 'Addresses mail is not sent to',
    response: s.suppressionListSchema,
    status: 200,
    handler: async ({ deps, principal }) => ({ suppressions: await suppressionsOf(deps.db, principal.domain) }),
  }),
  route({
    method: 'POST',
    path: '/suppressions',
    scopes: ['send'],
    tag: 'Suppressions',
    summary: 'Suppress an address',
    body: s.suppressionInputSchema,
    response: s.suppressionSchema,
    status: 201,
    handler: ({ deps, principal, body }) => suppress(deps.db, principal.domain, body.address),
  }),
  route({
    method: 'DELETE',
    path: '/suppressions/{address}',
    scopes: ['send'],
    tag: 'Suppressions',
    summary: 'Remove an address from the suppression list',
    status: 204,
    handler: ({ deps, principal, params }) => unsuppress(deps.db, principal.domain, params.address!),
  }),
  route({
    method: 'GET',
    path: '/stats',
    scopes: ['stats'],
    tag: 'Stats',
    summary: 'Event counts per day and tag, and delivery latency percentiles',
    query: s.statsQuerySchema,
    response: s.statsSchema,
    status: 200,
    handler: ({ deps, principal, query }) => domainStats(deps.db, deps.clock, principal.domain, query),
  }),
  route({
    method: 'GET',
    path: '/webhooks',
    scopes: ['webhooks'],
    tag: 'Webhooks',
    summary: 'List webhooks',
    response: s.webhookListSchema,
    status: 200,
    handler: async ({ deps, principal }) => ({ webhooks: await domainWebhooks(deps.db, principal.domain) }),
  }),
  route({
    method: 'POST',
    path: '/webhooks',
    scopes: ['webhooks'],
    tag: 'Webhooks',
    summary: 'Create a webhook; its signing secret is in this answer only',
    body: s.webhookInputSchema,
    response: s.webhookCreatedSchema,
    status: 201,
    handler: ({ deps, principal, body }) => createWebhook(deps.db, deps.clock, principal.domain, body),
  }),
  route({
    method: 'GET',
    path: '/webhooks/{id}',
    scopes: ['webhooks'],
    tag: 'Webhooks',
    summary: 'A webhook',
    response: s.webhookSchema,
    status: 200,
    handler: ({ deps, principal, params }) => getWebhook(deps.db, principal.domain, params.id!),
  }),
  route({
    method: 'PATCH',
    path: '/webhooks/{id}',
    scopes: ['webhooks'],
    tag: 'Webhooks',
    summary: 'Change a webhook’s URL, events or whether it is enabled',
    body: s.webhookUpdateSchema,
    response: s.webhookSchema,
    status: 200,
    handler: ({ deps, principal, params, body }) => changeWebhook(deps.db, principal.domain, params.id!, body),
  }),
  route({
    method: 'DELETE',
    path: '/webhooks/{id}',
    scopes: ['webhooks'],
    tag: 'Webhooks',
    summary: 'Delete a webhook',
    status: 204,
    handler: ({ deps, principal, params }) => removeWebhook(deps.db, principal.domain, params.id!),
  }),
  route({
    method: 'GET',
    path: '/webhooks/{id}/deliveries',
    scopes: ['webhooks'],
    tag: 'Webhooks',
    summary: 'The webhook’s delivery history, newest first',
    response: s.webhookDeliveriesSchema,
    status: 200,
    handler: async ({ deps, principal, params }) => ({ deliveries: await webhookHistory(deps.db, principal.domain, params.id!) }),
  }),
];

export function authorize(principal: ApiPrincipal, scopes: ApiScope[]): void {
  if (!scopes.some((scope) => principal.scopes.includes(scope))) requireScope(principal, scopes[0]!);
}
