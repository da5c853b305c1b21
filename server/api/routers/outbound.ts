import { z } from 'zod';
import { getOutboundQueue } from '../../jobs/queue-client';
import { listDeadLetters, retryDeadLetter } from '../../delivery/dead-letter.service';
import { recipientKeys } from '../../send/recipient-keys';
import { MAX_RECIPIENTS, cancelOutbound, listOutbound, queueMimeMessage, queuePrebuiltMessage } from '../../send/outbound.service';
import { recipientWkd } from '../../wkd/wkd-client';
import { fromBase64 } from '../../../crypto';
import { ownLimits, setSendLimits } from '../../send/send-limits';
import { instanceDkimRecordFor } from '../../send/sending-identity';
import { protectedProcedure, router } from '../trpc';

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64');
const envelope = z.array(z.string().min(3).max(320)).min(1).max(MAX_RECIPIENTS);

/** A message the browser built: the envelope, and who of it the headers don't name. */
const builtInput = z.object({
  from: z.string().min(3).max(320),
  recipients: envelope,
  /** The envelope recipients in Bcc: the message has no Bcc header, so the server can't see them there. */
  bcc: z.array(z.string().min(3).max(320)).max(MAX_RECIPIENTS).optional(),
  // 25 MB of plaintext is about 34 MB base64 (or encrypted and armored); the service checks the exact limit.
  mime: base64.max(48 * 1024 * 1024),
  /** ISO 8601; omitted = now + the undo window. */
  sendAt: z.string().datetime({ offset: true }).optional(),
});

const recipientOutput = z.object({
  address: z.string(),
  status: z.enum(['queued', 'sending', 'deferred', 'delivered', 'failed', 'cancelled']),
  attempts: z.number(),
  lastReply: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
});

const outboundOutput = z.object({
  id: z.string(),
  from: z.string(),
  status: z.enum(['scheduled', 'sending', 'queued', 'delivered', 'partially-failed', 'bounced', 'cancelled']),
  sendAt: z.string(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  attempts: z.number(),
  size: z.number(),
  cancellable: z.boolean(),
  recipients: z.array(recipientOutput),
});

const limitsOutput = z.object({ perHour: z.number(), perDay: z.number(), custom: z.boolean() });

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

const byId = z.object({ id: z.string().uuid() });
const ok = z.object({ ok: z.literal(true) });
const limitValue = z.number().int().min(0).max(1_000_000).nullable();

export const outboundRouter = router({
  /**
   * The send's MIME message, as the browser built it for recipients elsewhere without a key:
   * checked (From, no Bcc header, envelope against headers, size), DKIM-signed and queued.
   */
  send: protectedProcedure
    .input(builtInput)
    .output(outboundOutput)
    .mutation(({ ctx, input }) =>
      queueMimeMessage(ctx.db, getOutboundQueue(), ctx.clock, ctx.settings, ctx.session.account, {
        ...input,
        mime: fromBase64(input.mime),
        sendAt: input.sendAt ? new Date(input.sendAt) : undefined,
      }),
    ),

  /** The same message as PGP/MIME, encrypted in the browser to external recipients' keys: checked, signed, queued. */
  sendPrebuilt: protectedProcedure
    .input(builtInput)
    .output(outboundOutput)
    .mutation(({ ctx, input }) =>
      queuePrebuiltMessage(
        ctx.db,
        getOutboundQueue(),
        ctx.clock,
        ctx.settings,
        ctx.session.account,
        { ...input, mime: fromBase64(input.mime), sendAt: input.sendAt ? new Date(input.sendAt) : undefined },
        (addresses) =>
          recipientKeys({ db: ctx.db, mailDomain: ctx.settings.mailDomain, wkd: recipientWkd(ctx.settings.dnsServers) }, ctx.session.account, addresses),
      ),
    ),

  cancel: protectedProcedure
    .input(byId)
    .output(outboundOutput)
    .mutation(({ ctx, input }) => cancelOutbound(ctx.db, ctx.clock, ctx.session.account, input.id)),

  list: protectedProcedure
    .input(z.object({ limit: z.number().int().min(1).max(100).default(50), before: z.string().datetime().optional() }))
    .output(z.array(outboundOutput))
    .query(({ ctx, input }) => listOutbound(ctx.db, ctx.session.account, { limit: input.limit, before: input.before ? new Date(input.before) : undefined })),

  limits: protectedProcedure
    .input(z.object({}).optional())
    .output(limitsOutput.extend({ usedLastHour: z.number(), usedLastDay: z.number() }))
    .query(({ ctx }) => ownLimits(ctx.db, ctx.clock, ctx.settings, ctx.session.account)),

  deadLetters: protectedProcedure
    .input(
      z.object({
        limit: z.number().int().min(1).max(200).default(50),
        openOnly: z.boolean().default(true),
        before: z.object({ createdAt: z.string().datetime(), id: z.string().uuid() }).optional(),
      }),
    )
    .output(z.array(deadLetterOutput))
    .query(({ ctx, input }) =>
      listDeadLetters(ctx.db, ctx.session.account, {
        limit: input.limit,
        openOnly: input.openOnly,
        before: input.before ? { createdAt: new Date(input.before.createdAt), id: input.before.id } : undefined,
      }),
    ),

  retryDeadLetter: protectedProcedure
    .input(byId)
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      await retryDeadLetter(ctx.db, getOutboundQueue(), ctx.clock, ctx.session.account, input.id);
      return { ok: true as const };
    }),

  setLimits: protectedProcedure
    .input(z.object({ username: z.string().min(1).max(100), perHour: limitValue, perDay: limitValue }))
    .output(limitsOutput.extend({ username: z.string() }))
    .mutation(({ ctx, input }) => setSendLimits(ctx.db, ctx.clock, ctx.settings, ctx.session.account, input)),

  instanceDkimRecord: protectedProcedure
    .input(z.object({}).optional())
    .output(z.object({ host: z.string(), type: z.literal('TXT'), value: z.string() }))
    .query(({ ctx }) => instanceDkimRecordFor(ctx.db, ctx.settings.mailDomain, ctx.session.account)),
});
