import { z } from 'zod';
import { findUserById } from '../../../db/repositories/user.repository';
import { auditAdminAction } from '../../admin/admin-audit';
import { auditEventNames, listAudit } from '../../admin/audit-log.service';
import { deleteQueued, dismissDeadLetter, listQueue, retryQueued } from '../../admin/queue.service';
import { instanceStatus } from '../../admin/status.service';
import { deleteUser, demoteUser, disableUser, enableUser, listUsers, promoteUser, setQuota, userByUsername } from '../../admin/users.service';
import { REGISTRATION_POLICIES, registrationPolicy, requireTwoFactor, setRegistrationPolicy, setRequireTwoFactor } from '../../auth/instance-policy.service';
import { createInvite, recentInvites, revokeInvite } from '../../auth/invite.service';
import { AppError } from '../../errors';
import { getOutboundQueue } from '../../jobs/queue-client';
import { listDeadLetters, retryDeadLetter } from '../../delivery/dead-letter.service';
import { effectiveLimits, setSendLimits } from '../../send/send-limits';
import { adminProcedure, router } from '../trpc';

const ok = z.object({ ok: z.literal(true) });
const OK = { ok: true as const };
const byUser = z.object({ userId: z.string().uuid() });
const byOutbound = z.object({ outboundId: z.string().uuid() });
const byId = z.object({ id: z.string().uuid() });
const limitValue = z.number().int().min(0).max(1_000_000).nullable();

const userOutput = z.object({
  id: z.string(),
  username: z.string(),
  address: z.string(),
  isAdmin: z.boolean(),
  disabled: z.boolean(),
  createdAt: z.string(),
  lastSeenAt: z.string().nullable(),
  messageCount: z.number(),
  storageBytes: z.number(),
  quotaBytes: z.number().nullable(),
  twoFactor: z.enum(['on', 'off']).nullable(),
});

const inviteOutput = z.object({
  id: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  usedAt: z.string().nullable(),
  createdBy: z.string().nullable(),
  usedBy: z.string().nullable(),
  state: z.enum(['open', 'used', 'expired']),
});

const queueOutput = z.object({
  recipientId: z.string(),
  outboundId: z.string(),
  sender: z.string(),
  from: z.string(),
  recipient: z.string(),
  status: z.enum(['queued', 'sending', 'deferred']),
  attempts: z.number(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  expiresAt: z.string(),
  createdAt: z.string(),
});

const deadLetterOutput = z.object({
  id: z.string(),
  outboundId: z.string(),
  sender: z.object({ userId: z.string(), username: z.string(), address: z.string() }),
  recipient: z.string(),
  statusCode: z.string(),
  reason: z.string(),
  lastReply: z.string().nullable(),
  createdAt: z.string(),
  retriedAt: z.string().nullable(),
  retryable: z.boolean(),
});

const auditOutput = z.object({
  id: z.string(),
  at: z.string(),
  username: z.string().nullable(),
  event: z.string(),
  ip: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
});

const statusOutput = z.object({
  version: z.string(),
  roles: z.object({ web: z.boolean(), smtp: z.boolean().nullable(), workers: z.number().nullable() }),
  database: z.object({
    ok: z.boolean(),
    version: z.string().nullable(),
    sizeBytes: z.number().nullable(),
    latencyMs: z.number().nullable(),
    error: z.string().nullable(),
  }),
  queue: z.object({ queued: z.number(), deferred: z.number(), deadLetters: z.number() }).nullable(),
  disk: z.object({
    path: z.string(),
    usedBytes: z.number().nullable(),
    filesystemTotalBytes: z.number().nullable(),
    filesystemFreeBytes: z.number().nullable(),
    approximate: z.boolean(),
  }),
  checkedAt: z.string(),
});

const MB = 1024 * 1024;

async function usernameOf(ctx: { db: Parameters<typeof findUserById>[0] }, userId: string): Promise<string> {
  const user = await findUserById(ctx.db, userId);
  if (!user) throw new AppError('NOT_FOUND', 'That account does not exist.');
  return user.username;
}

/**
 * The admin console (Settings → Administration). Every procedure here is an adminProcedure: a test
 * walks this router and checks that a non-admin gets FORBIDDEN from each, so none can be forgotten.
 */
export const adminRouter = router({
  users: adminProcedure
    .input(z.object({ search: z.string().max(64).optional(), limit: z.number().int().min(1).max(200).default(50), offset: z.number().int().min(0).default(0) }))
    .output(z.array(userOutput))
    .query(({ ctx, input }) => listUsers(ctx.db, ctx.settings, input)),

  disableUser: adminProcedure
    .input(byUser)
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      await disableUser(ctx.db, ctx.clock, ctx.session.account, input.userId, ctx.ip);
      return OK;
    }),

  enableUser: adminProcedure
    .input(byUser)
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      await enableUser(ctx.db, ctx.session.account, input.userId, ctx.ip);
      return OK;
    }),

  deleteUser: adminProcedure
    .input(byUser)
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      await deleteUser(ctx.db, ctx.clock, ctx.settings, ctx.session.account, input.userId, ctx.ip);
      return OK;
    }),

  promoteUser: adminProcedure
    .input(byUser)
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      await promoteUser(ctx.db, ctx.session.account, input.userId, ctx.ip);
      return OK;
    }),

  demoteUser: adminProcedure
    .input(byUser)
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      await demoteUser(ctx.db, ctx.session.account, input.userId, ctx.ip);
      return OK;
    }),

  /** Storage quota in MiB; null = the instance default (QUOTA_MB), 0 = no limit. */
  setQuota: adminProcedure
    .input(
      byUser.extend({
        quotaMb: z
          .number()
          .int()
          .min(0)
          .max(100 * 1024 * 1024)
          .nullable(),
      }),
    )
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      await setQuota(ctx.db, ctx.session.account, input.userId, input.quotaMb === null ? null : input.quotaMb * MB, ctx.ip);
      return OK;
    }),

  sendLimits: adminProcedure
    .input(byUser)
    .output(z.object({ perHour: z.number(), perDay: z.number(), custom: z.boolean(), defaultPerHour: z.number(), defaultPerDay: z.number() }))
    .query(async ({ ctx, input }) => ({
      ...(await effectiveLimits(ctx.db, ctx.settings, input.userId)),
      defaultPerHour: ctx.settings.sendLimitPerHour,
      defaultPerDay: ctx.settings.sendLimitPerDay,
    })),

  /** null for either: the server default. */
  setSendLimits: adminProcedure
    .input(byUser.extend({ perHour: limitValue, perDay: limitValue }))
    .output(z.object({ perHour: z.number(), perDay: z.number(), custom: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      const username = await usernameOf(ctx, input.userId);
      const result = await setSendLimits(ctx.db, ctx.clock, ctx.settings, ctx.session.account, { username, perHour: input.perHour, perDay: input.perDay });
      await auditAdminAction(ctx.db, ctx.session.account, 'user.send-limits-set', { target: username, perHour: input.perHour, perDay: input.perDay }, ctx.ip);
      return { perHour: result.perHour, perDay: result.perDay, custom: result.custom };
    }),

  createInvite: adminProcedure
    .input(z.object({}).optional())
    .output(z.object({ id: z.string(), path: z.string(), expiresAt: z.string() }))
    .mutation(async ({ ctx }) => {
      const invite = await createInvite(ctx.db, ctx.clock, ctx.session.account.id);
      await auditAdminAction(ctx.db, ctx.session.account, 'invite.created', { inviteId: invite.id }, ctx.ip);
      return { id: invite.id, path: invite.path, expiresAt: invite.expiresAt };
    }),

  invites: adminProcedure
    .input(z.object({}).optional())
    .output(z.array(inviteOutput))
    .query(({ ctx }) => recentInvites(ctx.db, ctx.clock)),

  revokeInvite: adminProcedure
    .input(byId)
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      await revokeInvite(ctx.db, ctx.clock, input.id);
      await auditAdminAction(ctx.db, ctx.session.account, 'invite.revoked', { inviteId: input.id }, ctx.ip);
      return OK;
    }),

  policies: adminProcedure
    .input(z.object({}).optional())
    .output(z.object({ registration: z.enum(REGISTRATION_POLICIES), registrationDefault: z.enum(REGISTRATION_POLICIES), requireTwoFactor: z.boolean() }))
    .query(async ({ ctx }) => ({
      registration: await registrationPolicy(ctx.db, ctx.settings),
      registrationDefault: ctx.settings.registration,
      requireTwoFactor: await requireTwoFactor(ctx.db),
    })),

  setRegistrationPolicy: adminProcedure
    .input(z.object({ policy: z.enum(REGISTRATION_POLICIES) }))
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      await setRegistrationPolicy(ctx.db, input.policy, ctx.session.account.id, ctx.clock.now());
      await auditAdminAction(ctx.db, ctx.session.account, 'policy.registration-set', { policy: input.policy }, ctx.ip);
      return OK;
    }),

  setRequireTwoFactor: adminProcedure
    .input(z.object({ required: z.boolean() }))
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      const { sessionsChanged } = await setRequireTwoFactor(ctx.db, input.required, ctx.session.account.id, ctx.clock.now());
      await auditAdminAction(ctx.db, ctx.session.account, 'policy.require-two-factor-set', { required: input.required, sessionsChanged }, ctx.ip);
      return OK;
    }),

  queue: adminProcedure
    .input(z.object({ status: z.enum(['queued', 'deferred']).optional(), limit: z.number().int().min(1).max(500).default(100) }))
    .output(z.array(queueOutput))
    .query(({ ctx, input }) => listQueue(ctx.db, input)),

  retryQueued: adminProcedure
    .input(byOutbound)
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      await retryQueued(ctx.db, getOutboundQueue(), ctx.clock, ctx.session.account, input.outboundId, ctx.ip);
      return OK;
    }),

  deleteQueued: adminProcedure
    .input(byOutbound)
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      await deleteQueued(ctx.db, ctx.clock, ctx.session.account, input.outboundId, ctx.ip);
      return OK;
    }),

  deadLetters: adminProcedure
    .input(z.object({ limit: z.number().int().min(1).max(200).default(50), openOnly: z.boolean().default(true) }))
    .output(z.array(deadLetterOutput))
    .query(({ ctx, input }) => listDeadLetters(ctx.db, ctx.session.account, input)),

  retryDeadLetter: adminProcedure
    .input(byId)
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      await retryDeadLetter(ctx.db, getOutboundQueue(), ctx.clock, ctx.session.account, input.id);
      return OK;
    }),

  deleteDeadLetter: adminProcedure
    .input(byId)
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      await dismissDeadLetter(ctx.db, ctx.session.account, input.id, ctx.ip);
      return OK;
    }),

  audit: adminProcedure
    .input(
      z.object({
        username: z.string().max(64).optional(),
        event: z.string().max(100).optional(),
        from: z.string().datetime({ offset: true }).optional(),
        to: z.string().datetime({ offset: true }).optional(),
        before: z
          .object({
            at: z.string().datetime({ offset: true }),
            id: z
              .string()
              .max(19)
              .regex(/^\d{1,19}$/),
          })
          .optional(),
        limit: z.number().int().min(1).max(500).default(100),
      }),
    )
    .output(z.array(auditOutput))
    .query(async ({ ctx, input }) => {
      const userId = input.username?.trim() ? (await userByUsername(ctx.db, input.username)).id : undefined;
      return listAudit(ctx.db, {
        userId,
        event: input.event?.trim() || undefined,
        from: input.from ? new Date(input.from) : undefined,
        to: input.to ? new Date(input.to) : undefined,
        before: input.before ? { at: new Date(input.before.at), id: input.before.id } : undefined,
        limit: input.limit,
      });
    }),

  auditEventNames: adminProcedure
    .input(z.object({}).optional())
    .output(z.array(z.string()))
    .query(({ ctx }) => auditEventNames(ctx.db)),

  status: adminProcedure
    .input(z.object({}).optional())
    .output(statusOutput.extend({ auditRetentionDays: z.number() }))
    .query(async ({ ctx }) => ({ ...(await instanceStatus(ctx.db, ctx.settings, ctx.clock.now())), auditRetentionDays: ctx.settings.auditRetentionDays })),
});
