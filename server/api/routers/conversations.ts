import { z } from 'zod';
import { MOVE_TARGETS } from '../../../mime/folders';
import {
  listConversations,
  moveConversations,
  openConversation,
  placeMessages,
  setConversationsSeen,
  unplacedMessages,
} from '../../conversations/conversation.service';
import { VAULT_MAX_BYTES, VAULT_PURPOSES, offerVaultKey, readVaultKey } from '../../conversations/vault.service';
import { protectedProcedure, router } from '../trpc';
import { anyFolder, listItem } from './mail';

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);
/** HMAC-SHA-256, base64url without padding. */
export const conversationKey = z
  .string()
  .max(43)
  .regex(/^[A-Za-z0-9_-]{43}$/, 'a conversation key is 43 base64url characters');
const keys = z.array(conversationKey).min(1).max(100);

const item = listItem.extend({ conversationKey: conversationKey.nullable() });

const conversation = z.object({
  key: conversationKey.nullable(),
  count: z.number().int(),
  unread: z.number().int(),
  starred: z.number().int(),
  latest: item,
  recent: z.array(item),
});

export const conversationsRouter = router({
  /** One page of a folder as conversations, newest first; `cursor` is the previous page's `nextCursor`. */
  list: protectedProcedure
    .input(z.object({ folder: anyFolder, cursor: z.string().max(100).nullish() }))
    .output(z.object({ items: z.array(conversation), nextCursor: z.string().nullable() }))
    .query(({ ctx, input }) => listConversations(ctx.db, ctx.session.account.id, input.folder, input.cursor)),

  /** The messages of one conversation, oldest first. */
  thread: protectedProcedure
    .input(z.object({ key: conversationKey }))
    .output(z.object({ items: z.array(item) }))
    .query(({ ctx, input }) => openConversation(ctx.db, ctx.session.account.id, input.key)),

  /** Messages no session has placed in a conversation yet, newest first, a batch at a time. */
  unplaced: protectedProcedure.output(z.object({ items: z.array(item) })).query(({ ctx }) => unplacedMessages(ctx.db, ctx.session.account.id)),

  /** Places messages this session decrypted into their conversations. */
  place: protectedProcedure
    .input(
      z.object({
        items: z
          .array(z.object({ id: z.string().uuid(), key: conversationKey }))
          .min(1)
          .max(200),
      }),
    )
    .output(z.object({ updated: z.number().int() }))
    .mutation(({ ctx, input }) => placeMessages(ctx.db, ctx.session.account.id, input.items)),

  move: protectedProcedure
    .input(z.object({ keys, from: anyFolder, to: z.enum(MOVE_TARGETS) }))
    .output(z.object({ updated: z.number().int() }))
    .mutation(({ ctx, input }) => moveConversations(ctx.db, ctx.session.account.id, input.keys, input.from, input.to)),

  setSeen: protectedProcedure
    .input(z.object({ keys, seen: z.boolean() }))
    .output(z.object({ updated: z.number().int() }))
    .mutation(({ ctx, input }) => setConversationsSeen(ctx.db, ctx.session.account.id, input.keys, input.seen)),

  /** A key the browser keeps for itself, encrypted to the user's own key; null until one is offered. */
  vaultKey: protectedProcedure
    .input(z.object({ purpose: z.enum(VAULT_PURPOSES) }))
    .output(z.object({ ciphertext: base64.nullable() }))
    .query(({ ctx, input }) => readVaultKey(ctx.db, ctx.session.account.id, input.purpose)),

  /** Stores the key unless one exists; answers with the stored one either way. */
  offerVaultKey: protectedProcedure
    .input(z.object({ purpose: z.enum(VAULT_PURPOSES), ciphertext: base64.max(Math.ceil(VAULT_MAX_BYTES / 3) * 4) }))
    .output(z.object({ ciphertext: base64 }))
    .mutation(({ ctx, input }) => offerVaultKey(ctx.db, ctx.session.account.id, input.purpose, input.ciphertext)),
});
