'use client';
import type { PrepareResult, SendRequest } from '@/app/lib/compose/send';
import type { FromAddress } from '@/app/lib/compose/use-compose-data';
import type { ComposeDockState } from '@/app/lib/compose/use-compose-dock';
import { ComposeWindow } from './compose-window';

/**
 * The compose windows, side by side at the bottom right as in Gmail: newest on the left, each with
 * its own draft. The strip lets clicks through between windows (pointer-events), so the mailbox
 * behind stays usable. On a phone an expanded window takes the whole screen.
 */
export function ComposeDock({
  dock,
  fromAddresses,
  mailDomain,
  attachmentLimit,
  onSend,
  onDiscard,
}: {
  dock: ComposeDockState;
  fromAddresses: FromAddress[];
  mailDomain: string;
  attachmentLimit: number;
  onSend: (request: SendRequest) => Promise<PrepareResult>;
  onDiscard: (draftId: string | null) => Promise<void>;
}) {
  if (dock.windows.length === 0) return null;
  return (
    <div
      data-testid="compose-dock"
      className="pointer-events-none fixed bottom-0 right-0 z-40 flex max-w-full flex-row-reverse items-end gap-2 overflow-x-auto px-2 md:right-4 md:px-0"
    >
      {dock.windows.map((w) => (
        <ComposeWindow
          key={w.key}
          title={w.title}
          initial={w.initial}
          fromAddresses={fromAddresses}
          mailDomain={mailDomain}
          attachmentLimit={attachmentLimit}
          onSend={async (request) => {
            const result = await onSend(request);
            if (result.status === 'queued') dock.close(w.key);
            return result;
          }}
          onDiscard={onDiscard}
          onClose={() => dock.close(w.key)}
          minimised={w.minimised}
          onMinimise={() => dock.minimise(w.key)}
          onRestore={() => dock.restore(w.key)}
        />
      ))}
    </div>
  );
}
