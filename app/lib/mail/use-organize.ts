'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { fromBase64, toBase64 } from '@/crypto/encoding';
import type { AppRouter } from '@/server/api/root';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { callKeys } from '../keys/key-proxy';
import { useTRPC } from '../trpc';

type Inputs = inferRouterInputs<AppRouter>['organize'];
export type Selection = Inputs['bulk']['selection'];
export type BulkAction = Inputs['bulk']['action'];
export type Move = inferRouterOutputs<AppRouter>['organize']['bulk']['moves'][number];
export interface Label {
  id: string;
  kind: 'label' | 'folder';
  name: string;
  color: string;
}

export const LABEL_COLORS = ['slate', 'red', 'amber', 'green', 'teal', 'blue', 'violet', 'pink'] as const;
/** Tailwind classes per colour: a dot and a chip, each at 4.5:1 or more for its text. */
export const LABEL_STYLES: Record<string, { dot: string; chip: string }> = {
  slate: { dot: 'bg-slate-500', chip: 'bg-slate-100 text-slate-800' },
  red: { dot: 'bg-red-500', chip: 'bg-red-100 text-red-800' },
  amber: { dot: 'bg-amber-500', chip: 'bg-amber-100 text-amber-900' },
  green: { dot: 'bg-green-600', chip: 'bg-green-100 text-green-800' },
  teal: { dot: 'bg-teal-600', chip: 'bg-teal-100 text-teal-800' },
  blue: { dot: 'bg-blue-600', chip: 'bg-blue-100 text-blue-800' },
  violet: { dot: 'bg-violet-600', chip: 'bg-violet-100 text-violet-800' },
  pink: { dot: 'bg-pink-600', chip: 'bg-pink-100 text-pink-800' },
};

/** Labels and own folders, their names decrypted in the key Worker (the server has ciphertext only). */
export function useLabels() {
  const trpc = useTRPC();
  const stored = useQuery(trpc.organize.labels.queryOptions());
  return useQuery({
    queryKey: ['sealpost-decrypted', 'labels', stored.data?.map((l) => `${l.id}:${l.name.length}:${l.color}`) ?? []],
    enabled: stored.isSuccess,
    staleTime: Infinity,
    queryFn: async (): Promise<Label[]> => {
      const rows = stored.data ?? [];
      if (rows.length === 0) return [];
      const { results } = await callKeys('decryptBatch', { items: rows.map((l) => fromBase64(l.name)) });
      return rows.map((l, i) => {
        const r = results[i];
        return { ...l, name: r?.status === 'ok' ? new TextDecoder().decode(r.data) : '(unreadable name)' };
      });
    },
  });
}

export function useOrganizeCounts() {
  const trpc = useTRPC();
  return useQuery(trpc.organize.counts.queryOptions());
}

export function useCreateLabel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const create = useMutation(
    trpc.organize.createLabel.mutationOptions({ onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.organize.labels.queryKey() }) }),
  );
  return {
    ...create,
    createLabel: async (input: { kind: 'label' | 'folder'; name: string; color: (typeof LABEL_COLORS)[number] }) => {
      const { parts } = await callKeys('encryptToSelf', { parts: [new TextEncoder().encode(input.name)] });
      return create.mutateAsync({ ...input, name: toBase64(parts[0]!) });
    },
  };
}

export interface UndoEntry {
  text: string;
  moves: Move[];
}

/**
 * Changes to many messages, and the last move to undo (toast and `z`). After each change the lists
 * and counts are fetched again.
 */
export function useBulk() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [undoable, setUndoable] = useState<UndoEntry | null>(null);
  const refresh = useCallback(
    () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: trpc.mail.pathKey() }),
        queryClient.invalidateQueries({ queryKey: trpc.conversations.pathKey() }),
        queryClient.invalidateQueries({ queryKey: trpc.organize.counts.queryKey() }),
      ]),
    [queryClient, trpc],
  );
  const scope = { id: 'mailbox-changes' };
  const bulk = useMutation(trpc.organize.bulk.mutationOptions({ scope, onSettled: refresh }));
  const undoMutation = useMutation(trpc.organize.undoMoves.mutationOptions({ scope, onSettled: refresh }));

  const apply = useCallback(
    async (selection: Selection, action: BulkAction, undoText?: string) => {
      const result = await bulk.mutateAsync({ selection, action });
      if (undoText && result.moves.length) setUndoable({ text: undoText.replace('{n}', String(result.moves.length)), moves: result.moves });
      return result;
    },
    [bulk],
  );
  const undo = useCallback(async () => {
    const entry = undoable;
    if (!entry) return;
    setUndoable(null);
    await undoMutation.mutateAsync({ moves: entry.moves });
  }, [undoable, undoMutation]);
  const dismiss = useCallback(() => setUndoable(null), []);
  return { apply, undo, undoable, dismiss, error: bulk.error ?? undoMutation.error, pending: bulk.isPending };
}
