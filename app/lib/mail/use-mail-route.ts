'use client';
import { useSearchParams } from 'next/navigation';
import { useCallback, useMemo } from 'react';
import { type MailFolder, isMailFolder } from '@/mime/folders';

/**
 * Which folder (or the list of scheduled messages) and message are open, kept in the URL
 * (?folder=trash&m=<id>) through the History API, so a reload keeps the place and a phone's back
 * gesture returns from a message to the list.
 */
/** A folder of the user's own, named by its id (a UUID; the server keeps its name as ciphertext). */
export type OwnFolderId = `${string}-${string}-${string}-${string}-${string}`;
/** A folder whose messages are listed: a built-in one or one of the user's own. */
export type ListFolder = MailFolder | OwnFolderId;
/** The built-in views, which have fixed names and icons. */
export type BuiltInView = MailFolder | 'scheduled';
export type MailView = BuiltInView | OwnFolderId;

export interface MailRoute {
  folder: MailView;
  messageId: string | null;
  openFolder(folder: MailView): void;
  openMessage(id: string): void;
  closeMessage(): void;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isOwnFolder = (value: string): value is OwnFolderId => UUID.test(value);

/** The views a URL may name: the mailbox's folders, the user's own, and the scheduled list. */
const isMailView = (value: string): value is MailView => value === 'scheduled' || isMailFolder(value) || isOwnFolder(value);

export function useMailRoute(): MailRoute {
  const params = useSearchParams();
  const folderParam = params.get('folder') ?? '';
  const folder: MailView = isMailView(folderParam) ? folderParam : 'inbox';
  const messageParam = params.get('m');
  const messageId = messageParam && UUID.test(messageParam) ? messageParam : null;

  const go = useCallback((next: { folder: MailView; messageId: string | null }, mode: 'push' | 'replace') => {
    const query = new URLSearchParams();
    if (next.folder !== 'inbox') query.set('folder', next.folder);
    if (next.messageId) query.set('m', next.messageId);
    const url = query.size ? `?${query}` : window.location.pathname;
    if (mode === 'push') window.history.pushState(null, '', url);
    else window.history.replaceState(null, '', url);
  }, []);

  return useMemo(
    () => ({
      folder,
      messageId,
      openFolder: (f) => go({ folder: f, messageId: null }, 'push'),
      // From the list, a new history entry (back returns to the list); from message to message, not.
      openMessage: (id) => go({ folder, messageId: id }, messageId ? 'replace' : 'push'),
      closeMessage: () => go({ folder, messageId: null }, 'replace'),
    }),
    [folder, messageId, go],
  );
}
