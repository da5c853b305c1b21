'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { callKeys } from '../keys/key-proxy';
import { useTRPC, useTRPCClient } from '../trpc';
import type { ComposeState } from './compose-model';
import { type PendingSend, type PrepareResult, type SendDeps, type SendOptions, prepareSend, undoSend } from './send';

/**
 * The outgoing side of the mailbox: it outlives the compose window, to show the undo window and
 * offer Undo. The message itself already waits on the server (every send is a scheduled send), so
 * closing the tab or the mailbox loses nothing.
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

  /** Runs the send; resolves with the problems to show, or with the send once the server holds it. */
  const send = useCallback(
    async (state: ComposeState, options: SendOptions, progressDeps: SendDeps): Promise<PrepareResult> => {
      const result = await prepareSend(state, progressDeps, options);
      if (result.status !== 'queued') return result;
      clearTimeout(timer.current);
      if (options.sendAt) {
        pending.current = null;
        setToast({ kind: 'scheduled', sendAt: options.sendAt });
      } else {
        pending.current = { send: result.pending, state };
        const deadline = Math.min(Date.now() + undoSeconds * 1000, Date.parse(result.pending.sendAt) || Number.POSITIVE_INFINITY);
        setToast({ kind: 'sending', deadline });
        timer.current = setTimeout(
          () => {
            pending.current = null;
            setToast({ kind: 'sent' });
            void refresh();
          },
          Math.max(0, deadline - Date.now()),
        );
      }
      void refresh();
      return result;
    },
    [refresh, undoSeconds],
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

  useEffect(() => () => clearTimeout(timer.current), []);

  // Nothing is left to retry on this side: a failed Undo leaves the message with the server.
  const retry = useCallback(() => {
    setToast(null);
    return refresh();
  }, [refresh]);

  // Stable, so the toast's hide timer isn't restarted each time the mailbox renders.
  const dismiss = useCallback(() => setToast(null), []);
  return { toast, dismiss, send, undo, retry };
}
