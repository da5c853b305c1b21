'use client';
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import type { ListFolder } from '../mail/use-mail-route';
import { callKeys } from '../keys/key-proxy';
import { decryptSummaries } from '../mail/summaries';
import { useTRPC, useTRPCClient } from '../trpc';
import { placeBatch } from './placement';
import { SubjectThreads, importHmacKey } from './thread-key';
import { vaultSecret } from './vault-secret';

const decryptBatch = async (items: Uint8Array[]) => (await callKeys('decryptBatch', { items })).results;

export function useConversationList(folder: ListFolder) {
  const trpc = useTRPC();
  const list = useInfiniteQuery(trpc.conversations.list.infiniteQueryOptions({ folder }, { getNextPageParam: (last) => last.nextCursor ?? undefined }));
  const conversations = useMemo(() => list.data?.pages.flatMap((page) => page.items) ?? [], [list.data]);
  const toDecrypt = useMemo(() => {
    const seen = new Map<string, { id: string; summary: string; origin: string | null }>();
    for (const c of conversations) for (const m of [c.latest, ...c.recent]) seen.set(m.id, m);
    return [...seen.values()];
  }, [conversations]);
  const summaries = useQuery({
    queryKey: ['sealpost-decrypted', 'summaries', toDecrypt.map((m) => m.id)],
    queryFn: () => decryptSummaries(toDecrypt, decryptBatch),
    enabled: toDecrypt.length > 0,
    placeholderData: keepPreviousData,
    staleTime: Infinity,
    retry: false,
  });
  return { list, conversations, summaries };
}

export type Conversation = ReturnType<typeof useConversationList>['conversations'][number];

export function useConversationThread(key: string) {
  const trpc = useTRPC();
  const thread = useQuery(trpc.conversations.thread.queryOptions({ key }));
  const items = thread.data?.items ?? [];
  const summaries = useQuery({
    queryKey: ['sealpost-decrypted', 'summaries', items.map((m) => m.id)],
    queryFn: () => decryptSummaries(items, decryptBatch),
    enabled: items.length > 0,
    placeholderData: keepPreviousData,
    staleTime: Infinity,
    retry: false,
  });
  return { thread, items, summaries };
}

export function useConversationActions() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () =>
    Promise.all([queryClient.invalidateQueries({ queryKey: trpc.conversations.pathKey() }), queryClient.invalidateQueries({ queryKey: trpc.mail.pathKey() })]);
  const scope = { id: 'mailbox-changes' };
  return {
    setSeen: useMutation(trpc.conversations.setSeen.mutationOptions({ scope, onSettled: refresh })),
    move: useMutation(trpc.conversations.move.mutationOptions({ scope, onSettled: refresh })),
  };
}

/**
 * Places mail no session has placed yet, a batch at a time, whenever the list may have changed:
 * mail that arrived while no browser was open, the Sent copies of replies, mail from other users.
 */
export function useConversationPlacement() {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const unplaced = useQuery(trpc.conversations.unplaced.queryOptions(undefined, { staleTime: 0 }));
  const tried = useRef(new Set<string>());
  const threads = useRef(new SubjectThreads());
  const running = useRef(false);

  useEffect(() => {
    const fresh = (unplaced.data?.items ?? []).filter((m) => !tried.current.has(m.id));
    if (fresh.length === 0 || running.current) return;
    running.current = true;
    for (const m of fresh) tried.current.add(m.id);
    void (async () => {
      try {
        const hmacKey = await importHmacKey(await vaultSecret(client, 'conversation'));
        const placed = await placeBatch(fresh, { decrypt: decryptBatch, hmacKey, threads: threads.current });
        if (placed.length > 0) await client.conversations.place.mutate({ items: placed });
      } catch {
        // Placing is best effort: the rows stay conversations of one until a later pass places them.
        for (const m of fresh) tried.current.delete(m.id);
      } finally {
        running.current = false;
        await queryClient.invalidateQueries({ queryKey: trpc.conversations.pathKey() });
      }
    })();
  }, [unplaced.data, client, queryClient, trpc]);
}

const SETTING = 'sealpost.conversation-view';
const listeners = new Set<() => void>();

/** Conversation view on (the default) or off: a display preference of this browser. */
export function useConversationSetting(): [boolean, (on: boolean) => void] {
  const on = useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => localStorage.getItem(SETTING) !== 'off',
    () => true,
  );
  const set = useCallback((next: boolean) => {
    localStorage.setItem(SETTING, next ? 'on' : 'off');
    for (const listener of listeners) listener();
  }, []);
  return [on, set];
}
