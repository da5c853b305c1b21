import { z } from 'zod';
import { FILTER_ACTIONS, FILTER_FIELDS, FILTER_FOLDERS, MAX_FILTER_TEXT } from '../../../mime/mail-filter';
import { addFilter, listFilters, removeFilter } from '../../mail/mail-filter.service';
import { protectedProcedure, router } from '../trpc';

const filterOutput = z.object({
  id: z.string(),
  field: z.enum(FILTER_FIELDS),
  contains: z.string(),
  action: z.enum(FILTER_ACTIONS),
  folder: z.enum(FILTER_FOLDERS).nullable(),
  labelId: z.string().nullable(),
});

/** The signed-in user's own filter rules (docs/filtering.md). */
export const filtersRouter = router({
  list: protectedProcedure.output(z.array(filterOutput)).query(({ ctx }) => listFilters(ctx.db, ctx.session.account.id)),

  add: protectedProcedure
    .input(
      z.object({
        field: z.enum(FILTER_FIELDS),
        contains: z.string().max(MAX_FILTER_TEXT),
        action: z.enum(FILTER_ACTIONS),
        folder: z.enum(FILTER_FOLDERS).nullable(),
        labelId: z.string().uuid().nullable().optional(),
      }),
    )
    .output(filterOutput)
    .mutation(({ ctx, input }) => addFilter(ctx.db, ctx.session.account.id, input)),

  remove: protectedProcedure
    .input(z.object({ id: z.string().uuid() }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await removeFilter(ctx.db, ctx.session.account.id, input.id);
      return { ok: true as const };
    }),
});
