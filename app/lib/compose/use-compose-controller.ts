'use client';
import { useCallback, useMemo, useState } from 'react';
import { formatFullDate } from '../mail/format';
import { openMessage } from '../mail/open-message';
import { openDeps } from '../mail/use-mail';
import type { ParsedMessage } from '../mail/parse-message';
import { useTRPCClient } from '../trpc';
import { type ComposeState, type DraftAttachment, emptyCompose, stateFromDraft } from './compose-model';
import { type ReplyMode, startReply } from './quote';
import { useIdentities } from '../identities/use-identities';
import { useComposeSettings, useFromAddresses } from './use-compose-data';
import type { SendRequest } from './send';
import { useComposeDock } from './use-compose-dock';
import { useOutgoing, useSendDeps } from './use-outgoing';

/**
 * Which compose windows are open (the dock, use-compose-dock.ts) and what each started from: new,
 * a reply or forward, a saved draft, or a message brought back by Undo. Sending goes through
 * useOutgoing, which outlives the window.
 */

const TITLES: Record<ReplyMode, string> = { reply: 'Reply', 'reply-all': 'Reply all', forward: 'Forward' };

export function useComposeController(primaryAddress: string) {
  const client = useTRPCClient();
  const { addresses } = useFromAddresses();
  // Decrypted ahead of time, so a compose window opens with its signature in.
  useIdentities();
  const settings = useComposeSettings();
  const outgoing = useOutgoing(settings.data?.undoSendSeconds ?? 10);
  const sendDeps = useSendDeps();
  const dock = useComposeDock();
  const [opening, setOpening] = useState<string | null>(null);
  const [openError, setOpenError] = useState<string | null>(null);
  const mailDomain = primaryAddress.slice(primaryAddress.lastIndexOf('@') + 1);

  const defaultFrom = useMemo(() => addresses.find((a) => a.isDefault)?.address ?? primaryAddress, [addresses, primaryAddress]);
  const show = dock.open;

  const openNew = useCallback(() => show('New message', { ...emptyCompose(defaultFrom), signature: 'pending' }), [show, defaultFrom]);

  const openReply = useCallback(
    (message: ParsedMessage, mode: ReplyMode) => {
      const start = startReply(message, mode, addresses.map((a) => a.address).concat(primaryAddress), (iso) => formatFullDate(iso));
      // From the address or alias the message came to, so the reply doesn't reveal the main address.
      const from = addresses.find((a) => a.address.toLowerCase() === start.from?.toLowerCase())?.address ?? defaultFrom;
      const attachments: DraftAttachment[] = start.attachments.map((a, i) => ({
        id: `fwd-${i}`,
        filename: a.filename ?? `attachment-${i + 1}`,
        contentType: a.mimeType,
        size: a.size,
        content: a.content,
      }));
      show(TITLES[mode], {
        ...emptyCompose(from),
        to: start.to,
        cc: start.cc,
        subject: start.subject,
        html: start.html,
        text: start.text,
        inReplyTo: start.inReplyTo,
        references: start.references,
        attachments,
        signature: 'pending',
      });
    },
    [addresses, defaultFrom, primaryAddress, show],
  );

  const openDraft = useCallback(
    async (id: string) => {
      setOpening(id);
      setOpenError(null);
      try {
        const mail = await client.mail.get.query({ id });
        const opened = await openMessage(mail.raw, openDeps);
        if (opened.status !== 'ok') setOpenError('This draft could not be decrypted or read.');
        else show('Draft', stateFromDraft(opened.message, id, mailDomain));
      } catch (err) {
        setOpenError(err instanceof Error ? err.message : 'This draft could not be opened.');
      } finally {
        setOpening(null);
      }
    },
    [client, mailDomain, show],
  );

  const send = useCallback(
    async (request: SendRequest) => {
      const result = await outgoing.send(request.state, { sendAt: request.sendAt }, { ...sendDeps, onProgress: request.onProgress });
      return result;
    },
    [outgoing, sendDeps],
  );

  const discard = useCallback(
    async (draftId: string | null) => {
      if (draftId) await client.compose.deleteDraft.mutate({ id: draftId });
    },
    [client],
  );

  const undo = useCallback(async () => {
    const state = await outgoing.undo();
    if (state) show('New message', state);
  }, [outgoing, show]);

  return {
    dock,
    openNew,
    openReply,
    openDraft,
    opening,
    openError,
    send,
    discard,
    undo,
    outgoing,
    addresses,
    mailDomain,
    attachmentLimit: Math.floor((settings.data?.maxMessageBytes ?? 25 * 1024 * 1024) * 0.7),
  };
}
