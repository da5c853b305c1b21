import { z } from 'zod';
import {
  isUsernameAvailable,
  preLogin,
  publicConfig,
  recoveryParams,
  recoveryReset,
  recoveryUnlock,
  register,
} from '../../auth/account.service';
import { authKeySchema, recoveryResetSchema, registrationSchema, usernameSchema } from '../../auth/auth.schemas';
import { publicProcedure, router } from '../trpc';

const kdfOutput = z.object({ salt: z.string(), opslimit: z.number(), memlimit: z.number() });

/** Everything a signed-out browser may ask: the KDF inputs, registration and recovery. */
export const authRouter = router({
  config: publicProcedure
    .output(z.object({ mailDomain: z.string(), registrationOpen: z.boolean() }))
    .query(() => publicConfig()),

  usernameAvailable: publicProcedure
    .input(z.object({ username: usernameSchema }))
    .output(z.object({ available: z.boolean() }))
    .query(async ({ ctx, input }) => ({ available: await isUsernameAvailable(ctx.db, input.username) })),

  preLogin: publicProcedure
    .input(z.object({ username: usernameSchema }))
    .output(kdfOutput)
    .mutation(({ ctx, input }) => preLogin(ctx.db, input.username)),

  register: publicProcedure
    .input(registrationSchema)
    .output(z.object({ username: z.string(), address: z.string() }))
    .mutation(async ({ ctx, input }) => {
      const account = await register(ctx.db, input, { ip: ctx.ip });
      return { username: account.username, address: account.address };
    }),

  recoveryParams: publicProcedure
    .input(z.object({ username: usernameSchema }))
    .output(kdfOutput)
    .mutation(({ ctx, input }) => recoveryParams(ctx.db, input.username)),

  recoveryUnlock: publicProcedure
    .input(z.object({ username: usernameSchema, recoveryAuthKey: authKeySchema }))
    .output(z.object({ wrappedKey: z.string() }))
    .mutation(({ ctx, input }) => recoveryUnlock(ctx.db, ctx.clock, { ...input, ip: ctx.ip })),

  recoveryReset: publicProcedure
    .input(recoveryResetSchema)
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await recoveryReset(ctx.db, ctx.clock, { ...input, ip: ctx.ip });
      return { ok: true as const };
    }),
});

