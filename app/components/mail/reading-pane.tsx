'use client';
import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Spinner } from '@/app/components/ui';
import { downloadBytes } from '@/app/lib/mail/download';
import type { SummaryResult } from '@/app/lib/mail/summary-reader';
import { type MailListItem, useMailActions, useOpenedMessage } from '@/app/lib/mail/use-mail';
import { errorMessage } from '@/app/lib/trpc';
import type { ReplyMode } from '@/app/lib/compose/quote';
import type { ParsedMessage } from '@/app/lib/mail/parse-message';
import { BackIcon, ReplyIcon } from './icons';
import { MessageView } from './message-view';

/** The open message: its toolbar, then whatever state decrypting and parsing it reached. */
export function ReadingPane({
  id,
  item,
  summary,
  onBack,
  onGone,
  onReply,
  menus,
}: {
  id: string;
  /** The list's row, when it is loaded: the freshest folder and read state. */
  item: MailListItem | undefined;
  summary: SummaryResult | undefined;
  onBack: () => void;
  /** The message left this folder (deleted, restored). */
  onGone: () => void;
  onReply: (message: ParsedMessage, mode: ReplyMode) => void;
  /** The list's "Label…" and "Move to…" for this message (OpenPickMenus), where there is a list. */
  menus?: React.ReactNode;
}) {
  const opened = useOpenedMessage(id);
  const actions = useMailActions();
  const seen = item?.seen ?? opened.data?.seen;
  const folder = item?.folder ?? opened.data?.folder;
  const [confirmPurge, setConfirmPurge] = useState(false);

  // Opening marks it read. Decided once, on the first read state known: "Mark as unread" afterwards must stick.
  const openedState = useRef<boolean | null>(null);
  const { mutate: setSeen } = actions.setSeen;
  useEffect(() => {
    if (seen === undefined || openedState.current !== null) return;
    openedState.current = seen;
    if (!seen) setSeen({ ids: [id], seen: true });
  }, [id, seen, setSeen]);

  const parsed = opened.data?.opened.status === 'ok' ? opened.data.opened.message : null;
  const failure = actions.setSeen.error ?? actions.move.error ?? actions.deleteForever.error;
  const ids = [id];

  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <div role="toolbar" aria-label="Message actions" className="flex flex-wrap items-center gap-2 border-b border-slate-200 bg-white px-3 py-2">
        <Button variant="ghost" className="md:hidden" onClick={onBack}>
          <BackIcon />
          Back
        </Button>
        {parsed ? (
          <>
            <Button variant="secondary" data-shortcut="reply" aria-keyshortcuts="r" onClick={() => onReply(parsed, 'reply')}>
              <ReplyIcon />
              Reply
            </Button>
            <Button variant="secondary" data-shortcut="reply-all" aria-keyshortcuts="a" onClick={() => onReply(parsed, 'reply-all')}>
              Reply all
            </Button>
            <Button variant="secondary" data-shortcut="forward" aria-keyshortcuts="f" onClick={() => onReply(parsed, 'forward')}>
              Forward
            </Button>
          </>
        ) : null}
        {folder === 'inbox' || folder === 'spam' ? (
          <Button
            variant="secondary"
            loading={actions.move.isPending}
            onClick={() => actions.move.mutate({ ids, folder: folder === 'spam' ? 'inbox' : 'spam' }, { onSuccess: onGone })}
          >
            {folder === 'spam' ? 'Not spam' : 'Report spam'}
          </Button>
        ) : null}
        {seen === undefined ? null : (
          <Button variant="secondary" onClick={() => actions.setSeen.mutate({ ids, seen: !seen })}>
            {seen ? 'Mark as unread' : 'Mark as read'}
          </Button>
        )}
        {folder === 'trash' ? (
          <>
            <Button variant="secondary" onClick={() => actions.move.mutate({ ids, folder: 'inbox' }, { onSuccess: onGone })}>
              Restore
            </Button>
            {confirmPurge ? (
              <span className="flex items-center gap-2 text-sm">
                Delete this message for good?
                <Button variant="danger" loading={actions.deleteForever.isPending} onClick={() => actions.deleteForever.mutate({ ids }, { onSuccess: onGone })}>
                  Delete forever
                </Button>
                <Button variant="ghost" onClick={() => setConfirmPurge(false)}>
                  Cancel
                </Button>
              </span>
            ) : (
              <Button variant="danger" onClick={() => setConfirmPurge(true)}>
                Delete forever…
              </Button>
            )}
          </>
        ) : (
          <Button variant="secondary" loading={actions.move.isPending} onClick={() => actions.move.mutate({ ids, folder: 'trash' }, { onSuccess: onGone })}>
            Delete
          </Button>
        )}
        {menus}
      </div>
      {failure ? (
        <div className="px-4 pt-3">
          <Alert>{errorMessage(failure)}</Alert>
        </div>
      ) : null}
      <div className="min-h-0 flex-1 overflow-y-auto">
        <OpenedBody opened={opened} summary={summary} />
      </div>
    </div>
  );
}

function OpenedBody({ opened, summary }: { opened: ReturnType<typeof useOpenedMessage>; summary: SummaryResult | undefined }) {
  if (opened.isPending) {
    return (
      <div className="p-6 text-sm text-slate-600">
        <Spinner label="Decrypting message…" />
      </div>
    );
  }
  if (opened.isError) {
    return (
      <div className="space-y-3 p-6">
        <Alert>{errorMessage(opened.error)}</Alert>
        <Button variant="secondary" onClick={() => opened.refetch()}>
          Try again
        </Button>
      </div>
    );
  }
  const result = opened.data.opened;
  switch (result.status) {
    case 'decrypt-failed':
      return (
        <div className="p-6">
          <Alert>This message could not be decrypted. It may have been encrypted to a different key, or damaged in storage.</Alert>
        </div>
      );
    case 'parse-failed':
      return (
        <div className="space-y-3 p-6">
          <Alert tone="warning">This message was decrypted, but its format is too broken to display.</Alert>
          <Button variant="secondary" onClick={() => downloadBytes(result.raw, 'message.eml')}>
            Download the original (.eml)
          </Button>
        </div>
      );
    case 'ok':
      return (
        <MessageView
          message={result.message}
          summary={summary?.status === 'ok' ? summary.summary : undefined}
          origin={opened.data.origin}
          senderEncrypted={result.senderEncrypted}
        />
      );
  }
}
