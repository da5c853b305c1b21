import { z } from 'zod';
import { composeSettings, deleteDraft, saveDraft } from '../../send/internal-copies.service';
import { listPinned, pinKey, unpinKey } from '../../send/pinned-keys.service';
import { recipientKeys } from '../../send/recipient-keys';
import { cancelScheduledInternal, listScheduledInternal, scheduleInternal } from '../../send/scheduled-send.service';
import { getScheduledInternalQueue } from '../../jobs/queue-client';
import { recipientWkd } from '../../wkd/wkd-client';
import { protectedProcedure, router } from '../trpc';

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64');
// 25 MB of plaintext is about 34 MB of base64 ciphertext; the service checks the exact limit.
const ciphertext = base64.min(4).max(48 * 1024 * 1024);
const encryptedCopy = z.object({
  raw: ciphertext,
  summary: base64.min(4).max(1024 * 1024),
  size: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1),
});
const address = z.string().trim().min(3).max(320);
// One copy per recipient mailbox (a Bcc recipient must not see who else got it), so a big message to
// many people is big; this bounds what one request may make the server check and store.
const MAX_REQUEST_CIPHERTEXT = 256 * 1024 * 1024;

const recipientKey = z.discriminatedUnion('kind', [
  z.object({ address: z.string(), kind: z.literal('internal'), publicKey: z.string() }),
  z.object({ address: z.string(), kind: z.literal('external-pgp'), publicKey: z.string(), source: z.enum(['wkd', 'pinned']) }),
  z.object({ address: z.string(), kind: z.literal('external') }),
  z.object({ address: z.string(), kind: z.literal('invalid'), reason: z.string() }),
]);

const scheduledInternal = z.object({
  id: z.string(),
  from: z.string(),
  status: z.enum(['scheduled', 'delivered', 'cancelled']),
  sendAt: z.string(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  recipients: z.array(z.string()),
  outboundIds: z.array(z.string()),
  cancellable: z.boolean(),
  summary: base64.nullable(),
});

const withinRequestLimit = (copies: { raw: string }[]) => copies.reduce((sum, copy) => sum + copy.raw.length, 0) <= MAX_REQUEST_CIPHERTEXT;
const tooLarge = { message: 'The message is too large for this many recipients. Send it to fewer people at once.' };

const pinnedKey = z.object({ id: z.string(), address: z.string(), fingerprint: z.string(), createdAt: z.string() });

export const composeRouter = router({
  settings: protectedProcedure
    .output(z.object({ undoSendSeconds: z.number().int(), maxMessageBytes: z.number().int() }))
    .query(({ ctx }) => composeSettings(ctx.settings)),

  /** Per address: this instance's key, an external PGP key (pinned, or from WKD), or neither. */
  recipientKeys: protectedProcedure
    .input(z.object({ addresses: z.array(address).min(1).max(100) }))
    .output(z.array(recipientKey))
    .query(({ ctx, input }) =>
      recipientKeys({ db: ctx.db, mailDomain: ctx.settings.mailDomain, wkd: recipientWkd(ctx.settings.dnsServers) }, ctx.session.account, input.addresses),
    ),

  /**
   * A send, immediate or scheduled: the copies for mailboxes here and the Sent copy (each checked
   * to be encrypted to its mailbox's key) wait for `sendAt` (omitted: now + the undo window), and a worker files
   * them. `outboundIds` names the parts queued for elsewhere, so one cancel undoes the whole send.
   */
  scheduleInternal: protectedProcedure
    .input(
      z
        .object({
          from: address,
          recipients: z.array(encryptedCopy.extend({ address })).max(100),
          sent: encryptedCopy.optional(),
          draftId: z.string().uuid().optional(),
          outboundIds: z.array(z.string().uuid()).max(10).optional(),
          sendAt: z.string().datetime({ offset: true }).optional(),
        })
        .refine((input) => withinRequestLimit(input.sent ? [...input.recipients, input.sent] : input.recipients), tooLarge),
    )
    .output(scheduledInternal)
    .mutation(({ ctx, input }) =>
      scheduleInternal(ctx.db, getScheduledInternalQueue(), ctx.clock, ctx.settings, ctx.session.account, {
        ...input,
        sendAt: input.sendAt ? new Date(input.sendAt) : undefined,
      }),
    ),

  /** Scheduled sends to mailboxes here that haven't been filed yet: recipients and times, no content. */
  listScheduled: protectedProcedure
    .input(z.object({}).optional())
    .output(z.array(scheduledInternal))
    .query(({ ctx }) => listScheduledInternal(ctx.db, ctx.session.account)),

  cancelScheduled: protectedProcedure
    .input(z.object({ id: z.string().uuid() }))
    .output(scheduledInternal)
    .mutation(({ ctx, input }) => cancelScheduledInternal(ctx.db, ctx.clock, ctx.session.account, input.id)),

  saveDraft: protectedProcedure
    .input(encryptedCopy.extend({ id: z.string().uuid().optional() }))
    .output(z.object({ id: z.string() }))
    .mutation(({ ctx, input }) => saveDraft(ctx.db, ctx.clock, ctx.settings, ctx.session.account, input)),

  deleteDraft: protectedProcedure
    .input(z.object({ id: z.string().uuid() }))
    .output(z.object({ deleted: z.boolean() }))
    .mutation(({ ctx, input }) => deleteDraft(ctx.db, ctx.session.account, input.id)),

  pinnedKeys: protectedProcedure.output(z.array(pinnedKey)).query(({ ctx }) => listPinned(ctx.db, ctx.session.account)),

  pinKey: protectedProcedure
    .input(
      z.object({
        address,
        // No minimum length here: a too-short key gets the service's sentence, not a schema's.
        publicKey: z.string().max(256 * 1024),
      }),
    )
    .output(pinnedKey)
    .mutation(({ ctx, input }) => pinKey(ctx.db, ctx.session.account, input)),

  unpinKey: protectedProcedure
    .input(z.object({ id: z.string().uuid() }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await unpinKey(ctx.db, ctx.session.account, input.id);
      return { ok: true as const };
    }),
});
