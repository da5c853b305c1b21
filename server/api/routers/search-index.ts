import { z } from 'zod';
import { MAIL_FOLDERS } from '../../../mime/folders';
import {
  MAX_SEGMENT_BYTES,
  RAW_BATCH,
  catalogPage,
  dropSegments,
  rawBatch,
  segmentData,
  segmentList,
  storeSegment,
} from '../../search-index/search-index.service';
import { protectedProcedure, router } from '../trpc';

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);
/** Chosen by the browser at random: 32 hex characters, or the manifest's fixed name. */
const segmentId = z
  .string()
  .max(32)
  .regex(/^([0-9a-f]{32}|manifest)$/, 'a segment id is 32 hex characters');
const ids = z.array(z.string().uuid()).min(1).max(RAW_BATCH);

export const searchIndexRouter = router({
  /** The messages to index: ids and what the server knows anyway (folder, read, arrival), newest first. */
  catalog: protectedProcedure
    .input(z.object({ cursor: z.string().max(100).nullish() }))
    .output(
      z.object({
        items: z.array(z.object({ id: z.string(), folder: z.enum(MAIL_FOLDERS), seen: z.boolean(), receivedAt: z.string() })),
        nextCursor: z.string().nullable(),
      }),
    )
    .query(({ ctx, input }) => catalogPage(ctx.db, ctx.session.account.id, input.cursor)),

  /** Raw ciphertext of a few messages at once, for the first build. */
  raw: protectedProcedure
    .input(z.object({ ids }))
    .output(z.object({ items: z.array(z.object({ id: z.string(), raw: base64, receivedAt: z.string() })) }))
    .query(({ ctx, input }) => rawBatch(ctx.db, ctx.session.account.id, input.ids)),

  segments: protectedProcedure
    .output(z.object({ items: z.array(z.object({ id: z.string(), version: z.number().int(), size: z.number().int(), updatedAt: z.string() })) }))
    .query(({ ctx }) => segmentList(ctx.db, ctx.session.account.id)),

  getSegments: protectedProcedure
    .input(z.object({ ids: z.array(segmentId).min(1).max(4) }))
    .output(z.object({ items: z.array(z.object({ id: z.string(), version: z.number().int(), ciphertext: base64 })) }))
    .query(({ ctx, input }) => segmentData(ctx.db, ctx.session.account.id, input.ids)),

  putSegment: protectedProcedure
    .input(z.object({ id: segmentId, ciphertext: base64.max(Math.ceil(MAX_SEGMENT_BYTES / 3) * 4) }))
    .output(z.object({ version: z.number().int() }))
    .mutation(({ ctx, input }) => storeSegment(ctx.db, ctx.clock, ctx.session.account.id, input.id, input.ciphertext)),

  deleteSegments: protectedProcedure
    .input(z.object({ ids: z.array(segmentId).min(1).max(100) }))
    .output(z.object({ deleted: z.number().int() }))
    .mutation(({ ctx, input }) => dropSegments(ctx.db, ctx.session.account.id, input.ids)),
});
