import { z } from 'zod';
import { LABEL_COLORS, applyToSelection, createLabel, editLabel, labelsOf, mailboxCounts, removeLabel, undoMoves } from '../../mail/organize.service';
import { protectedProcedure, router } from '../trpc';
import { conversationKey } from './conversations';
import { anyFolder } from './mail';

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64');
const encryptedName = base64.min(4).max(8192);
const color = z.enum(LABEL_COLORS);

/** Ids (one page's worth, or a hand-made selection), or everything in a folder or under a label. */
const selection = z.union([
  // Conversation view: whole conversations by key (and unplaced messages by id), or all in a folder.
  // First: zod keeps the first variant that fits, and `{ ids }` would fit these with their keys stripped.
  z.object({ conversations: z.array(conversationKey).max(1000), ids: z.array(z.string().uuid()).max(1000), in: anyFolder }),
  z.object({ conversationsIn: anyFolder }),
  z.object({ ids: z.array(z.string().uuid()).min(1).max(1000) }),
  z.object({ folder: anyFolder }),
  z.object({ labelId: z.string().uuid() }),
]);

const action = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('move'), folder: z.string().max(64) }),
  z.object({ kind: z.literal('seen'), value: z.boolean() }),
  z.object({ kind: z.literal('star'), value: z.boolean() }),
  z.object({ kind: z.literal('label'), labelId: z.string().uuid(), value: z.boolean() }),
  z.object({ kind: z.literal('delete-forever'), folder: z.enum(['trash', 'spam']) }),
]);

const label = z.object({ id: z.string(), kind: z.enum(['label', 'folder']), name: base64, color: z.string() });
const move = z.object({ id: z.string().uuid(), from: z.string().max(64) });
const counts = z.record(z.string(), z.object({ total: z.number().int(), unread: z.number().int() }));

export const organizeRouter = router({
  labels: protectedProcedure.output(z.array(label)).query(({ ctx }) => labelsOf(ctx.db, ctx.session.account)),

  createLabel: protectedProcedure
    .input(z.object({ kind: z.enum(['label', 'folder']), name: encryptedName, color }))
    .output(label)
    .mutation(({ ctx, input }) => createLabel(ctx.db, ctx.session.account, input)),

  editLabel: protectedProcedure
    .input(z.object({ id: z.string().uuid(), name: encryptedName.optional(), color: color.optional() }))
    .output(label)
    .mutation(({ ctx, input }) => editLabel(ctx.db, ctx.session.account, input)),

  deleteLabel: protectedProcedure
    .input(z.object({ id: z.string().uuid() }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await removeLabel(ctx.db, ctx.session.account, input.id);
      return { ok: true as const };
    }),

  /** One change to many messages; `moves` lets the client undo a move. */
  bulk: protectedProcedure
    .input(z.object({ selection, action }))
    .output(z.object({ updated: z.number().int(), moves: z.array(move) }))
    .mutation(({ ctx, input }) => applyToSelection(ctx.db, ctx.session.account, input.selection, input.action)),

  undoMoves: protectedProcedure
    .input(z.object({ moves: z.array(move).min(1).max(20_000) }))
    .output(z.object({ updated: z.number().int() }))
    .mutation(({ ctx, input }) => undoMoves(ctx.db, ctx.session.account, input.moves)),

  /** Total and unread per folder (built-in and own) and per label. */
  counts: protectedProcedure.output(z.object({ folders: counts, labels: counts })).query(({ ctx }) => mailboxCounts(ctx.db, ctx.session.account)),
});
