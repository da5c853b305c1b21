import { z } from 'zod';
import { MAIL_FOLDERS } from '../../../mime/folders';
import { IMPORT_BATCH_MESSAGES, exportPage, exportSize, importBatch, recordKeyExport, summaryPage } from '../../transfer/transfer.service';
import { protectedProcedure, router } from '../trpc';

/** "Your key" and "Your mail": ciphertext out for export, ciphertext in for import (server/transfer). */
const folder = z.enum(MAIL_FOLDERS);
const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64');
// The request limit (body-limit.ts) bounds the batch; each copy is bounded like a draft.
const MAX_BATCH_CIPHERTEXT = 200 * 1024 * 1024;
const importedCopy = z.object({
  raw: base64.min(4).max(48 * 1024 * 1024),
  summary: base64.min(4).max(1024 * 1024),
  size: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1),
  receivedAt: z.string().datetime({ offset: true }),
  folder,
  seen: z.boolean(),
});

export const transferRouter = router({
  /** How many messages, and plaintext bytes, an export of `folder` (or everything) will write. */
  exportSize: protectedProcedure
    .input(z.object({ folder: folder.nullable() }))
    .output(z.object({ count: z.number().int(), bytes: z.number() }))
    .query(({ ctx, input }) => exportSize(ctx.db, ctx.session.account, input.folder)),

  /** The next messages, oldest first, as stored ciphertext; `cursor` is the previous `nextCursor`. */
  exportPage: protectedProcedure
    .input(z.object({ folder: folder.nullable(), cursor: z.string().max(100).nullish() }))
    .output(
      z.object({
        items: z.array(z.object({ id: z.string(), folder, seen: z.boolean(), receivedAt: z.string(), raw: base64 })),
        nextCursor: z.string().nullable(),
      }),
    )
    .query(({ ctx, input }) => exportPage(ctx.db, ctx.session.account, input.folder, input.cursor)),

  /** Every summary of the mailbox, 500 at a time: the browser learns which Message-IDs are already here. */
  summaries: protectedProcedure
    .input(z.object({ after: z.string().uuid().nullish() }))
    .output(z.object({ items: z.array(z.object({ id: z.string(), summary: base64 })), nextAfter: z.string().nullable() }))
    .query(({ ctx, input }) => summaryPage(ctx.db, ctx.session.account, input.after)),

  /** Messages the browser parsed and encrypted to this user's key; stored whole batch or nothing. */
  importBatch: protectedProcedure
    .input(
      z
        .object({ items: z.array(importedCopy).min(1).max(IMPORT_BATCH_MESSAGES) })
        .refine((input) => input.items.reduce((sum, item) => sum + item.raw.length + item.summary.length, 0) <= MAX_BATCH_CIPHERTEXT, {
          message: `A batch may carry at most ${MAX_BATCH_CIPHERTEXT / 1048576} MB; send fewer messages at a time.`,
          path: ['items'],
        }),
    )
    .output(z.object({ imported: z.number().int() }))
    .mutation(({ ctx, input }) =>
      importBatch(
        ctx.db,
        ctx.settings,
        ctx.session.account,
        input.items.map((item) => ({ ...item, receivedAt: new Date(item.receivedAt) })),
      ),
    ),

  /** Called before the browser hands out a key: the audit log records that it left, never the key. */
  keyExported: protectedProcedure
    .input(z.object({ kind: z.enum(['private', 'public']) }))
    .output(z.object({ recorded: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await recordKeyExport(ctx.db, ctx.session.account, input.kind, ctx.ip);
      return { recorded: true as const };
    }),
});
