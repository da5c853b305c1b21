import { z } from 'zod';
import {
  addAddress,
  addAlias,
  currentPublicKey,
  listAddresses,
  makeDefault,
  removeAddress,
  removeAlias,
  updateAlias,
  usableDomains,
} from '../../addresses/address.service';
import { protectedProcedure, router } from '../trpc';

const addressOutput = z.object({
  id: z.string().nullable(),
  address: z.string(),
  kind: z.enum(['primary', 'address', 'alias']),
  aliasStyle: z.enum(['custom', 'random']).nullable(),
  note: z.string().nullable(),
  enabled: z.boolean(),
  isDefault: z.boolean(),
  receivedCount: z.number(),
  blockedCount: z.number(),
  createdAt: z.string().nullable(),
});
const ok = z.object({ ok: z.literal(true) });
const publicKey = z
  .string()
  .min(100)
  .max(256 * 1024)
  .startsWith('-----BEGIN PGP PUBLIC KEY BLOCK-----');

export const addressesRouter = router({
  list: protectedProcedure.output(z.array(addressOutput)).query(({ ctx }) => listAddresses(ctx.db, ctx.session.account)),

  domains: protectedProcedure.output(z.array(z.string())).query(({ ctx }) => usableDomains(ctx.db, ctx.settings, ctx.session.account)),

  /** The public key and its current user IDs, for the browser to re-sign with a new set. */
  publicKey: protectedProcedure
    .output(z.object({ publicKey: z.string(), userIds: z.array(z.object({ name: z.string(), email: z.string() })) }))
    .query(({ ctx }) => currentPublicKey(ctx.db, ctx.session.account)),

  add: protectedProcedure
    .input(z.object({ localPart: z.string().max(64), domain: z.string().max(253), publicKey }))
    .output(addressOutput)
    .mutation(({ ctx, input }) => addAddress(ctx.db, ctx.settings, ctx.session.account, input)),

  remove: protectedProcedure
    .input(z.object({ id: z.string().uuid(), publicKey }))
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      await removeAddress(ctx.db, ctx.session.account, input.id, input.publicKey);
      return { ok: true as const };
    }),

  setDefault: protectedProcedure
    .input(z.object({ id: z.string().uuid().nullable() }))
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      await makeDefault(ctx.db, ctx.session.account, input.id);
      return { ok: true as const };
    }),

  addAlias: protectedProcedure
    .input(z.object({ domain: z.string().max(253), localPart: z.string().max(64).optional(), note: z.string().max(200).optional() }))
    .output(addressOutput)
    .mutation(({ ctx, input }) => addAlias(ctx.db, ctx.settings, ctx.session.account, input)),

  updateAlias: protectedProcedure
    .input(z.object({ id: z.string().uuid(), note: z.string().max(200).nullable().optional(), enabled: z.boolean().optional() }))
    .output(addressOutput)
    .mutation(({ ctx, input }) => updateAlias(ctx.db, ctx.session.account, input.id, input)),

  removeAlias: protectedProcedure
    .input(z.object({ id: z.string().uuid() }))
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      await removeAlias(ctx.db, ctx.session.account, input.id);
      return { ok: true as const };
    }),
});
