'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { callKeys } from '../keys/key-proxy';
import { useTRPC, useTRPCClient } from '../trpc';
import type { ComposeState } from './compose-model';
import { type PendingSend, type PrepareResult, type SendDeps, type SendOptions, commitSend, prepareSend, undoSend } from './send';

/**
 * The outgoing side of the mailbox: it outlives the compose window, because a sent message waits
 * here for its undo window before its internal copies and Sent copy are filed.
 */
export type OutgoingToast =
  | { kind: 'sending'; deadline: number }
  | { kind: 'sent' }
  | { kind: 'scheduled'; sendAt: Date }
  | { kind: 'undone' }
  | { kind: 'failed'; message: string };

export function useSendDeps(onProgress?: SendDeps['onProgress']): SendDeps {
  const client = useTRPCClient();
  return useMemo(
    () => ({
      recipientKeys: (addresses) => client.compose.recipientKeys.query({ addresses }),
      encryptTo: async (parts, publicKeys) => (await callKeys('encryptTo', { parts, publicKeys })).parts,
      encryptToSelf: async (parts) => (await callKeys('encryptToSelf', { parts })).parts,
      encryptArmored: async (data, publicKeys) => (await callKeys('encryptArmored', { data, publicKeys })).armored,
      outboundSend: (input) => client.outbound.send.mutate(input),
      sendPrebuilt: (input) => client.outbound.sendPrebuilt.mutate(input),
      outboundCancel: (id) => client.outbound.cancel.mutate({ id }),
      sendInternal: (input) => client.compose.sendInternal.mutate(input),
      scheduleInternal: (input) => client.compose.scheduleInternal.mutate(input),
      cancelScheduledInternal: (id) => client.compose.cancelScheduled.mutate({ id }),
      now: () => new Date(),
      onProgress,
    }),
    [client, onProgress],
  );
}

export function useOutgoing(undoSeconds: number) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const deps = useSendDeps();
  const [toast, setToast] = useState<OutgoingToast | null>(null);
  const pending = useRef<{ send: PendingSend; state: ComposeState } | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const refresh = useCallback(
    () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: trpc.mail.pathKey() }),
        queryClient.invalidateQueries({ queryKey: trpc.outbound.list.pathKey() }),
        queryClient.invalidateQueries({ queryKey: trpc.compose.listScheduled.pathKey() }),
      ]),
    [queryClient, trpc],
  );

  /** Files what is pending; false (with the failure shown and Retry offered) if that failed. */
  const commit = useCallback(async (): Promise<boolean> => {
    const current = pending.current;
    if (!current) return false;
    let filed = false;
    try {
      await commitSend(current.send, deps);
      pending.current = null;
      setToast({ kind: 'sent' });
      filed = true;
    } catch (err) {
      setToast({ kind: 'failed', message: err instanceof Error ? err.message : 'The message could not be filed.' });
    }
    void refresh();
    return filed;
  }, [deps, refresh]);

  /** Runs the send; resolves with the problems to show, or null once it is queued. */
  const send = useCallback(
    async (state: ComposeState, options: SendOptions, progressDeps: SendDeps): Promise<PrepareResult> => {
      const result = await prepareSend(state, progressDeps, options);
      if (result.status !== 'queued') return result;
      pending.current = { send: result.pending, state };
      if (options.sendAt) {
        // Scheduled: the server holds the internal and external parts until then; the Sent copy is filed now.
        if (await commit()) setToast({ kind: 'scheduled', sendAt: options.sendAt });
      } else {
        const deadline = Date.now() + undoSeconds * 1000;
        setToast({ kind: 'sending', deadline });
        clearTimeout(timer.current);
        timer.current = setTimeout(() => void commit(), undoSeconds * 1000);
      }
      void refresh();
      return result;
    },
    [commit, refresh, undoSeconds],
  );

  /** Undo: cancels the queued parts; resolves with the message to reopen, or null if it was too late. */
  const undo = useCallback(async (): Promise<ComposeState | null> => {
    const current = pending.current;
    clearTimeout(timer.current);
    if (!current) return null;
    pending.current = null;
    try {
      await undoSend(current.send, deps);
      setToast({ kind: 'undone' });
    } catch (err) {
      setToast({ kind: 'failed', message: err instanceof Error ? err.message : 'It could not be undone.' });
      void refresh();
      return null;
    }
    void refresh();
    return current.state;
  }, [deps, refresh]);

  // Leaving the page inside the undo window would lose the internal copies: ask first.
  useEffect(() => {
    if (toast?.kind !== 'sending') return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [toast]);

  // The mailbox closing (Settings, sign-out) ends the undo window early rather than dropping the message.
  const depsRef = useRef(deps);
  depsRef.current = deps;
  useEffect(
    () => () => {
      clearTimeout(timer.current);
      if (pending.current) void commitSend(pending.current.send, depsRef.current);
    },
    [],
  );

  return { toast, dismiss: () => setToast(null), send, undo, retry: commit };
}
