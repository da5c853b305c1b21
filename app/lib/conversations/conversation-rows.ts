import type { Selection } from '../mail/use-organize';

/**
 * Conversation view's rows for the list's one selection model: a row id is the conversation key, or,
 * for a message no session has placed yet, the message id (a UUID; a key is 43 base64url characters,
 * so the two can't be confused). One request covers every message of the chosen conversations.
 */
const KEY = /^[A-Za-z0-9_-]{43}$/;

export function conversationRowId(conversation: { key: string | null; latest: { id: string } }): string {
  return conversation.key ?? conversation.latest.id;
}

export function conversationTarget(rowIds: string[], folder: string): Selection {
  return { conversations: rowIds.filter((id) => KEY.test(id)), ids: rowIds.filter((id) => !KEY.test(id)), in: folder };
}
