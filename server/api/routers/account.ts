import { z } from 'zod';
import { deleteOwnAccount } from '../../admin/account-deletion.service';
import { storageOf } from '../../admin/users.service';
import { authKeySchema } from '../../auth/auth.schemas';
import { keyring, listSessions, revoke } from '../../auth/session.service';
import { protectedProcedure, router } from '../trpc';

export const accountRouter = router({
  me: protectedProcedure.output(z.object({ username: z.string(), address: z.string(), isAdmin: z.boolean() })).query(({ ctx }) => {
    const { username, address, isAdmin } = ctx.session.account;
    return { username, address, isAdmin };
  }),

  /** The user's mail storage against their quota (null = no limit). */
  storage: protectedProcedure
    .input(z.object({}).optional())
    .output(z.object({ usedBytes: z.number(), quotaBytes: z.number().nullable() }))
    .query(({ ctx }) => storageOf(ctx.db, ctx.settings, ctx.session.account.id)),

  /** Self-service deletion, confirmed with the password (its authKey, derived in the browser). */
  deleteAccount: protectedProcedure
    .input(z.object({ authKey: authKeySchema }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await deleteOwnAccount(ctx.db, ctx.clock, ctx.settings, ctx.session.account.id, input.authKey, ctx.ip);
      return { ok: true as const };
    }),

  keyring: protectedProcedure
    .output(z.object({ username: z.string(), publicKey: z.string(), wrappedKey: z.string(), clientKey: z.string() }))
    .query(({ ctx }) => keyring(ctx.db, ctx.session)),

  sessions: protectedProcedure
    .output(
      z.array(
        z.object({
          id: z.string(),
          current: z.boolean(),
          userAgent: z.string().nullable(),
          ip: z.string().nullable(),
          createdAt: z.string(),
          lastSeenAt: z.string(),
        }),
      ),
    )
    .query(({ ctx }) => listSessions(ctx.db, ctx.clock, ctx.session)),

  revokeSession: protectedProcedure
    .input(z.object({ sessionId: z.string().uuid() }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await revoke(ctx.db, ctx.clock, ctx.session, input.sessionId, ctx.ip);
      return { ok: true as const };
    }),
});
