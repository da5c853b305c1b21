import { z } from 'zod';
import { MAIL_FOLDERS, MOVE_TARGETS, OWN_FOLDER } from '../../../mime/folders';
import { deleteForever, folderCounts, getRawMail, listFolder, markSeen, moveToFolder } from '../../mail/mailbox.service';
import { syncOutput } from '../sync-output';
import { protectedProcedure, router } from '../trpc';

const folder = z.enum(MAIL_FOLDERS);
/** A built-in folder, or the id of one of the user's own. */
/** A built-in folder, or one of the user's own (named by its id). */
export const anyFolder = z.union([folder, z.string().max(36).regex(OWN_FOLDER)]);
const messageIds = z.array(z.string().uuid()).min(1).max(100);
const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);

export const listItem = z.object({
  id: z.string(),
  folder: anyFolder,
  seen: z.boolean(),
  starred: z.boolean(),
  labelIds: z.array(z.string()),
  receivedAt: z.string(),
  size: z.number().int(),
  summary: base64,
  origin: base64.nullable(),
});
const counts = z.object({ total: z.number().int(), unread: z.number().int() });

export const mailRouter = router({
  /** One page of a folder, newest first; `cursor` is the previous page's `nextCursor`. */
  list: protectedProcedure
    .input(z.object({ folder: anyFolder, cursor: z.string().max(100).nullish() }))
    // Every page of every signed-in client: checked synchronously (sync-output.ts).
    .output(syncOutput(z.object({ items: z.array(listItem), nextCursor: z.string().nullable() })))
    .query(({ ctx, input }) => listFolder(ctx.db, ctx.session.account.id, input.folder, input.cursor)),

  get: protectedProcedure
    .input(z.object({ id: z.string().uuid() }))
    .output(listItem.omit({ summary: true, starred: true, labelIds: true }).extend({ folder, raw: base64 }))
    .query(({ ctx, input }) => getRawMail(ctx.db, ctx.session.account.id, input.id)),

  counts: protectedProcedure.output(z.record(folder, counts)).query(({ ctx }) => folderCounts(ctx.db, ctx.session.account.id)),

  setSeen: protectedProcedure
    .input(z.object({ ids: messageIds, seen: z.boolean() }))
    .output(z.object({ updated: z.number().int() }))
    .mutation(({ ctx, input }) => markSeen(ctx.db, ctx.session.account.id, input.ids, input.seen)),

  move: protectedProcedure
    .input(z.object({ ids: messageIds, folder: z.enum(MOVE_TARGETS) }))
    .output(z.object({ updated: z.number().int() }))
    .mutation(({ ctx, input }) => moveToFolder(ctx.db, ctx.session.account.id, input.ids, input.folder)),

  /** Deletes for good, and only messages that are already in the trash. */
  deleteForever: protectedProcedure
    .input(z.object({ ids: messageIds }))
    .output(z.object({ deleted: z.number().int() }))
    .mutation(({ ctx, input }) => deleteForever(ctx.db, ctx.session.account.id, input.ids)),
});
