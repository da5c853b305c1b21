'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { toBase64 } from '@/crypto/encoding';
import { callKeys } from '../keys/key-proxy';
import { useTRPC } from '../trpc';

/**
 * Renaming and deleting a folder of the user's own (creating one is useCreateLabel with kind
 * "folder"). A new name is encrypted to the user's key here, like a label's. Deleting a folder
 * moves its mail to the Inbox (the server does both in one transaction), so nothing is lost.
 */
export function useOwnFolderChanges() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.organize.labels.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.organize.counts.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.mail.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.conversations.pathKey() }),
    ]);
  const edit = useMutation(trpc.organize.editLabel.mutationOptions({ onSettled: refresh }));
  const remove = useMutation(trpc.organize.deleteLabel.mutationOptions({ onSettled: refresh }));
  return {
    rename: async (id: string, name: string) => {
      const { parts } = await callKeys('encryptToSelf', { parts: [new TextEncoder().encode(name)] });
      return edit.mutateAsync({ id, name: toBase64(parts[0]!) });
    },
    remove: (id: string) => remove.mutateAsync({ id }),
  };
}
