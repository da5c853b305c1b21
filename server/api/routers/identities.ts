import { z } from 'zod';
import { MAX_IDENTITY_CIPHERTEXT, identitiesOf, resetIdentity, saveIdentity } from '../../identities/identity.service';
import { protectedProcedure, router } from '../trpc';

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64');
const address = z.string().min(3).max(320);
// Base64 of at most MAX_IDENTITY_CIPHERTEXT bytes; the service checks the decoded size and the key.
const ciphertext = base64.min(4).max(Math.ceil(MAX_IDENTITY_CIPHERTEXT / 3) * 4);
const identity = z.object({ address: z.string(), ciphertext: base64, updatedAt: z.string() });

/** Display names and signatures per sending address, as ciphertext only the browser opens. */
export const identitiesRouter = router({
  list: protectedProcedure.output(z.array(identity)).query(({ ctx }) => identitiesOf(ctx.db, ctx.session.account)),

  save: protectedProcedure
    .input(z.object({ address, ciphertext }))
    .output(identity)
    .mutation(({ ctx, input }) => saveIdentity(ctx.db, ctx.clock, ctx.session.account, input)),

  reset: protectedProcedure
    .input(z.object({ address }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await resetIdentity(ctx.db, ctx.session.account, input.address);
      return { ok: true as const };
    }),
});
