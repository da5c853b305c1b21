import { z } from 'zod';
import type { Context } from '../trpc';
import { API_SCOPES, createApiKey, domainForActor, listKeys, revokeKey } from '../../platform/api-keys';
import { recentMessages } from '../../platform/messages';
import * as s from '../../platform/schemas';
import { domainStats } from '../../platform/stats';
import { changeTemplate, createTemplate, listDomainTemplates, previewTemplate, removeTemplate } from '../../platform/templates';
import { changeWebhook, createWebhook, domainWebhooks, removeWebhook, webhookHistory } from '../../platform/webhooks';
import { protectedProcedure, router } from '../trpc';

/** The domain page's sending tabs: the same services as /api/v1, for the signed-in domain owner. */
const domainInput = z.object({ domain: z.string().min(1).max(253) });

const apiKeyOutput = z.object({
  id: z.string(),
  domain: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.enum(API_SCOPES)),
  ratePerMinute: z.number(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

async function owned(ctx: Context & { session: NonNullable<Context['session']> }, domain: string): Promise<string> {
  return (await domainForActor(ctx.db, ctx.settings, ctx.session.account, domain)).domain;
}

export const platformRouter = router({
  keys: protectedProcedure
    .input(domainInput)
    .output(z.array(apiKeyOutput))
    .query(({ ctx, input }) => listKeys(ctx.db, ctx.settings, ctx.session.account, input.domain)),

  createKey: protectedProcedure
    .input(
      domainInput.extend({ name: z.string().trim().min(1, 'Name the key').max(100), scopes: z.array(z.enum(API_SCOPES)).min(1, 'Pick at least one scope') }),
    )
    .output(z.object({ key: apiKeyOutput, secret: z.string() }))
    .mutation(({ ctx, input }) => createApiKey(ctx.db, ctx.clock, ctx.settings, ctx.session.account, input)),

  revokeKey: protectedProcedure
    .input(domainInput.extend({ id: z.string().uuid() }))
    .output(apiKeyOutput)
    .mutation(({ ctx, input }) => revokeKey(ctx.db, ctx.clock, ctx.settings, ctx.session.account, input.domain, input.id)),

  templates: protectedProcedure
    .input(domainInput)
    .output(z.array(s.templateSchema))
    .query(async ({ ctx, input }) => listDomainTemplates(ctx.db, await owned(ctx, input.domain))),

  saveTemplate: protectedProcedure
    .input(
      domainInput.extend({
        id: z.string().uuid().optional(),
        name: s.templateInputSchema.shape.name,
        subject: z.string().min(1).max(998),
        html: z.string().max(1_000_000).optional(),
        text: z.string().max(1_000_000).optional(),
      }),
    )
    .output(s.templateSchema)
    .mutation(async ({ ctx, input }) => {
      const domain = await owned(ctx, input.domain);
      const content = { subject: input.subject, html: input.html || null, text: input.text || null };
      return input.id
        ? changeTemplate(ctx.db, ctx.clock, domain, input.id, content)
        : createTemplate(ctx.db, ctx.clock, domain, { name: input.name, ...content });
    }),

  deleteTemplate: protectedProcedure
    .input(domainInput.extend({ id: z.string().uuid() }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await removeTemplate(ctx.db, await owned(ctx, input.domain), input.id);
      return { ok: true as const };
    }),

  previewTemplate: protectedProcedure
    .input(domainInput.extend({ id: z.string().uuid(), variables: z.record(z.string().max(200), z.unknown()) }))
    .output(s.previewSchema)
    .mutation(async ({ ctx, input }) => previewTemplate(ctx.db, await owned(ctx, input.domain), input.id, input.variables)),

  webhooks: protectedProcedure
    .input(domainInput)
    .output(z.array(s.webhookSchema))
    .query(async ({ ctx, input }) => domainWebhooks(ctx.db, await owned(ctx, input.domain))),

  createWebhook: protectedProcedure
    .input(domainInput.extend({ url: s.webhookInputSchema.shape.url, events: z.array(z.enum(s.WEBHOOK_EVENTS)).min(1, 'Pick at least one event') }))
    .output(s.webhookCreatedSchema)
    .mutation(async ({ ctx, input }) => createWebhook(ctx.db, ctx.clock, await owned(ctx, input.domain), { url: input.url, events: input.events })),

  setWebhookEnabled: protectedProcedure
    .input(domainInput.extend({ id: z.string().uuid(), enabled: z.boolean() }))
    .output(s.webhookSchema)
    .mutation(async ({ ctx, input }) => changeWebhook(ctx.db, await owned(ctx, input.domain), input.id, { enabled: input.enabled })),

  deleteWebhook: protectedProcedure
    .input(domainInput.extend({ id: z.string().uuid() }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await removeWebhook(ctx.db, await owned(ctx, input.domain), input.id);
      return { ok: true as const };
    }),

  webhookDeliveries: protectedProcedure
    .input(domainInput.extend({ id: z.string().uuid() }))
    .output(s.webhookDeliveriesSchema.shape.deliveries)
    .query(async ({ ctx, input }) => webhookHistory(ctx.db, await owned(ctx, input.domain), input.id, 50)),

  stats: protectedProcedure
    .input(domainInput)
    .output(s.statsSchema)
    .query(async ({ ctx, input }) => domainStats(ctx.db, ctx.clock, await owned(ctx, input.domain), {})),

  recentSends: protectedProcedure
    .input(domainInput)
    .output(z.array(s.messageStatusSchema))
    .query(async ({ ctx, input }) => recentMessages(ctx.db, await owned(ctx, input.domain), 50)),
});
