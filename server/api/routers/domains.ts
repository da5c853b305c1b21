import { z } from 'zod';
import { addDomain, deletionImpact, getDomain, listDomains, removeDomain, requestCheck, setCatchAll } from '../../domains/domain.service';
import { getVerificationQueue } from '../../jobs/queue-client';
import { protectedProcedure, router } from '../trpc';

const recordOutput = z.object({
  kind: z.enum(['ownership', 'mx', 'spf', 'dkim', 'dmarc']),
  type: z.enum(['TXT', 'MX']),
  host: z.string(),
  fqdn: z.string(),
  value: z.string(),
  priority: z.number().nullable(),
  status: z.enum(['ok', 'missing', 'mismatch', 'pending']),
  found: z.string().nullable(),
  checkedAt: z.string().nullable(),
});

const domainOutput = z.object({
  id: z.string(),
  name: z.string(),
  unicodeName: z.string(),
  status: z.enum(['pending', 'verified', 'failed']),
  catchAll: z.boolean(),
  verifiedAt: z.string().nullable(),
  lastCheckedAt: z.string().nullable(),
  createdAt: z.string(),
  drift: z.boolean(),
  records: z.array(recordOutput),
  mtaStsRecords: z.array(z.object({ type: z.enum(['TXT', 'CNAME']), host: z.string(), fqdn: z.string(), value: z.string(), purpose: z.string() })),
});

const byId = z.object({ id: z.string().uuid() });

export const domainsRouter = router({
  list: protectedProcedure.output(z.array(domainOutput)).query(({ ctx }) => listDomains(ctx.db, ctx.settings, ctx.session.account)),

  get: protectedProcedure
    .input(byId)
    .output(domainOutput)
    .query(({ ctx, input }) => getDomain(ctx.db, ctx.settings, ctx.session.account, input.id)),

  add: protectedProcedure
    .input(z.object({ name: z.string().max(300) }))
    .output(domainOutput)
    .mutation(({ ctx, input }) => addDomain(ctx.db, getVerificationQueue(), ctx.settings, ctx.session.account, input.name)),

  checkNow: protectedProcedure
    .input(byId)
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await requestCheck(ctx.db, getVerificationQueue(), ctx.session.account, input.id);
      return { ok: true as const };
    }),

  setCatchAll: protectedProcedure
    .input(byId.extend({ enabled: z.boolean() }))
    .output(domainOutput)
    .mutation(({ ctx, input }) => setCatchAll(ctx.db, ctx.settings, ctx.session.account, input.id, input.enabled)),

  deletionImpact: protectedProcedure
    .input(byId)
    .output(z.object({ addresses: z.number(), aliases: z.number(), catchAll: z.boolean() }))
    .query(({ ctx, input }) => deletionImpact(ctx.db, ctx.session.account, input.id)),

  delete: protectedProcedure
    .input(byId.extend({ confirmed: z.boolean() }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await removeDomain(ctx.db, ctx.session.account, input.id, input.confirmed);
      return { ok: true as const };
    }),
});
