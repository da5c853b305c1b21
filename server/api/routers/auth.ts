import { z } from 'zod';
import {
  isUsernameAvailable,
  loginChallenge,
  preLogin,
  publicConfig,
  recoveryParams,
  recoveryReset,
  recoveryUnlock,
  register,
} from '../../auth/account.service';
import { authKeySchema, recoveryResetSchema, registrationSchema, usernameSchema } from '../../auth/auth.schemas';
import { inviteTokenSchema } from '../../auth/invite.service';
import { challengeSchema, issueChallenge, proofSchema } from '../../auth/proof-of-work';
import { consumeRateLimit } from '../../auth/throttle.service';
import { publicProcedure, router } from '../trpc';

const kdfOutput = z.object({ salt: z.string(), opslimit: z.number(), memlimit: z.number() });

/** Everything a signed-out browser may ask: the KDF inputs, registration and recovery. */
export const authRouter = router({
  config: publicProcedure
    .output(z.object({ mailDomain: z.string(), registrationOpen: z.boolean(), registrationPolicy: z.enum(['open', 'invite', 'closed']) }))
    .query(({ ctx }) => publicConfig(ctx.db, ctx.settings)),

  usernameAvailable: publicProcedure
    .input(z.object({ username: usernameSchema }))
    .output(z.object({ available: z.boolean() }))
    .query(async ({ ctx, input }) => {
      // Each answer says whether someone has an account: a client gets only a few a minute.
      await consumeRateLimit(ctx.db, ctx.clock, 'usernameAvailable', ctx.ip);
      return { available: await isUsernameAvailable(ctx.db, ctx.settings.mailDomain, input.username) };
    }),

  /** The KDF inputs, and the proof of work to solve first when the username has had many failures. */
  preLogin: publicProcedure
    .input(z.object({ username: usernameSchema }))
    .output(kdfOutput.extend({ challenge: challengeSchema.nullable() }))
    .mutation(async ({ ctx, input }) => {
      const [kdf, challenge] = await Promise.all([preLogin(ctx.db, input.username), loginChallenge(ctx.db, ctx.clock, input.username, ctx.ip)]);
      return { ...kdf, challenge };
    }),

  /** Every registration from the web needs a solved challenge from here. */
  registrationChallenge: publicProcedure
    .input(z.object({}).optional())
    .output(challengeSchema)
    .mutation(({ ctx }) => issueChallenge(ctx.db, ctx.clock, 'register', ctx.ip)),

  register: publicProcedure
    .input(registrationSchema.extend({ proof: proofSchema, invite: inviteTokenSchema.optional() }))
    .output(z.object({ username: z.string(), address: z.string() }))
    .mutation(async ({ ctx, input }) => {
      const { proof, invite, ...payload } = input;
      const account = await register(ctx.db, payload, { settings: ctx.settings, ip: ctx.ip, proof, clock: ctx.clock, invite });
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
