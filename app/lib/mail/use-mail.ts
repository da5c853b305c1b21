'use client';
import { type InfiniteData, keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo } from 'react';
import { fromBase64 } from '@/crypto/encoding';
import type { ListFolder } from './use-mail-route';
import { callKeys } from '../keys/key-proxy';
import { useTRPC, useTRPCClient } from '../trpc';
import { withSeen, without } from './list-cache';
import { parseInWorker } from './mime-proxy';
import { type OpenDeps, openMessage } from './open-message';
import { readOrigin } from './origin';
import { NEW_MAIL_EVENT } from './desktop-notifications';
import { decryptSummaries, forgetSummaries } from './summaries';

/**
 * The mailbox's data: the server's pages of ciphertext, and what this tab decrypted from them.
 * Decrypted data lives under the `decrypted` keys, only in memory, and is dropped with the mailbox.
 */
const decrypted = {
  all: ['sealpost-decrypted'] as const,
  summaries: (ids: string[]) => ['sealpost-decrypted', 'summaries', ids] as const,
  message: (id: string) => ['sealpost-decrypted', 'message', id] as const,
};

export function useMailList(folder: ListFolder) {
  const trpc = useTRPC();
  const list = useInfiniteQuery(trpc.mail.list.infiniteQueryOptions({ folder }, { getNextPageParam: (last) => last.nextCursor ?? undefined }));
  const items = useMemo(() => list.data?.pages.flatMap((page) => page.items) ?? [], [list.data]);
  const summaries = useQuery({
    queryKey: decrypted.summaries(items.map((item) => item.id)),
    queryFn: () => decryptSummaries(items, async (data) => (await callKeys('decryptBatch', { items: data })).results),
    enabled: items.length > 0,
    // While rows that just arrived are decrypted, the others keep what they show.
    placeholderData: keepPreviousData,
    staleTime: Infinity,
    retry: false,
  });
  return { list, items, summaries };
}

export type MailListItem = ReturnType<typeof useMailList>['items'][number];

export function useMailCounts() {
  const trpc = useTRPC();
  return useQuery(trpc.mail.counts.queryOptions());
}

/** Refetches the list and the counts: after a change, and whenever new mail may have arrived. */
function useRefreshMailbox() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useCallback(
    () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: trpc.mail.list.pathKey() }),
        queryClient.invalidateQueries({ queryKey: trpc.mail.counts.queryKey() }),
        queryClient.invalidateQueries({ queryKey: trpc.conversations.pathKey() }),
        queryClient.invalidateQueries({ queryKey: trpc.organize.counts.queryKey() }),
      ]),
    [queryClient, trpc],
  );
}

export function useMailActions() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = useRefreshMailbox();
  type ListData = InfiniteData<{ items: MailListItem[]; nextCursor: string | null }>;
  const patchLists = async (edit: (data: ListData | undefined) => ListData | undefined) => {
    // A refetch still in flight would land after the edit and undo it.
    await queryClient.cancelQueries({ queryKey: trpc.mail.list.pathKey() });
    queryClient.setQueriesData<ListData>({ queryKey: trpc.mail.list.pathKey() }, edit);
  };

  // One scope: changes to the mailbox run one after another, so two quick clicks can't reach the
  // server in the opposite order (read, then unread, stored as read).
  const scope = { id: 'mailbox-changes' };
  return {
    setSeen: useMutation(
      trpc.mail.setSeen.mutationOptions({ scope, onMutate: ({ ids, seen }) => patchLists((d) => withSeen(d, ids, seen)), onSettled: refresh }),
    ),
    move: useMutation(trpc.mail.move.mutationOptions({ scope, onMutate: ({ ids }) => patchLists((d) => without(d, ids)), onSettled: refresh })),
    deleteForever: useMutation(
      trpc.mail.deleteForever.mutationOptions({ scope, onMutate: ({ ids }) => patchLists((d) => without(d, ids)), onSettled: refresh }),
    ),
  };
}

/** Opening a message in the browser: decryption in the key Worker, parsing in the MIME Worker. */
export const openDeps: OpenDeps = {
  decrypt: (data) => callKeys('decrypt', { data }),
  decryptArmored: (armored) => callKeys('decryptArmored', { armored }),
  parse: (raw) => parseInWorker(raw),
};

/** Fetches, decrypts and parses one message; failures of each step come back as tagged data. */
export function useOpenedMessage(id: string) {
  const client = useTRPCClient();
  return useQuery({
    queryKey: decrypted.message(id),
    queryFn: async () => {
      const mail = await client.mail.get.query({ id });
      const opened = await openMessage(mail.raw, openDeps);
      const origin = mail.origin ? readOrigin(await callKeys('decrypt', { data: fromBase64(mail.origin) })) : null;
      return { folder: mail.folder, seen: mail.seen, opened, origin };
    },
    staleTime: Infinity,
    // Plaintext is not kept around longer than the reader looks at it.
    gcTime: 60_000,
  });
}

/**
 * Live updates: an EventSource on /api/mail/events. Each event (and each reconnection, which may
 * have missed some) refetches the list and counts; the browser reconnects by itself, and after a
 * refusal (the session ended) this retries slowly.
 */
export function useNewMailEvents() {
  const refreshMailbox = useRefreshMailbox();

  useEffect(() => {
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let opens = 0;
    const refresh = () => void refreshMailbox();
    const connect = () => {
      source = new EventSource('/api/mail/events');
      source.addEventListener('open', () => {
        if (opens++ > 0) refresh();
      });
      source.addEventListener('new-mail', () => {
        refresh();
        window.dispatchEvent(new Event(NEW_MAIL_EVENT));
      });
      source.addEventListener('resync', refresh);
      source.addEventListener('error', () => {
        if (source?.readyState !== EventSource.CLOSED) return;
        retry = setTimeout(connect, 30_000);
        // Refused: if the session was revoked, the refetch gets the 401 that wipes this tab.
        refresh();
      });
    };
    connect();
    return () => {
      clearTimeout(retry);
      source?.close();
    };
  }, [refreshMailbox]);
}

/** Drops every decrypted summary and message of this tab when the mailbox goes (e.g. sign-out). */
export function useForgetDecryptedOnUnmount() {
  const queryClient = useQueryClient();
  const trpc = useTRPC();
  useEffect(
    () => () => {
      forgetSummaries();
      queryClient.removeQueries({ queryKey: decrypted.all });
      queryClient.removeQueries({ queryKey: trpc.mail.pathKey() });
    },
    [queryClient, trpc],
  );
}
