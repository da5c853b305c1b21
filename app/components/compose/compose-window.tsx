'use client';
import { type KeyboardEvent, useEffect, useId, useMemo, useRef, useState } from 'react';
import { Alert, Button, StepProgress } from '@/app/components/ui';
import { type ComposeState, isBlank } from '@/app/lib/compose/compose-model';
import { textToHtml } from '@/app/lib/compose/quote';
import { allRecipients } from '@/app/lib/compose/recipients';
import type { PrepareResult, SendProblem, SendRequest } from '@/app/lib/compose/send';
import { type FromAddress, useCorrespondents, useRecipientKinds } from '@/app/lib/compose/use-compose-data';
import { useDraftAutosave } from '@/app/lib/compose/use-draft-autosave';
import { identityLabel } from '@/app/lib/identities/identity-model';
import { useComposeIdentity } from '@/app/lib/identities/use-compose-identity';
import { errorMessage } from '@/app/lib/trpc';
import { CloseIcon } from '../mail/icons';
import { AttachmentPicker } from './attachment-picker';
import { CloseConfirm } from './close-confirm';
import { MinimiseToggle, focusFirstField, windowClass } from './docked-window';
import { MessageEditor } from './message-editor';
import { RecipientField } from './recipient-field';
import { SchedulePicker } from './schedule-picker';

/**
 * One compose window in the dock (compose-dock.tsx): a non-modal dialog, so the mailbox beside it
 * stays usable, that can be minimised to its title bar. Escape asks whether to keep the draft;
 * Ctrl+Enter sends. The draft saves itself as you type.
 */
export function ComposeWindow({
  initial,
  title,
  fromAddresses,
  mailDomain,
  attachmentLimit,
  onSend,
  onDiscard,
  onClose,
  minimised = false,
  onMinimise,
  onRestore,
}: {
  initial: ComposeState;
  title: string;
  fromAddresses: FromAddress[];
  mailDomain: string;
  attachmentLimit: number;
  onSend: (request: SendRequest) => Promise<PrepareResult>;
  onDiscard: (draftId: string | null) => Promise<void>;
  onClose: () => void;
  minimised?: boolean;
  onMinimise?: () => void;
  onRestore?: () => void;
}) {
  const dialog = useRef<HTMLElement>(null);
  const titleId = useId();
  const bodyLabelId = useId();
  const subjectId = useId();
  const fromId = useId();
  const [state, setState] = useState(initial);
  const [showCc, setShowCc] = useState(initial.cc.length > 0);
  const [showBcc, setShowBcc] = useState(initial.bcc.length > 0);
  const [scheduling, setScheduling] = useState(false);
  const [confirmClose, setConfirmClose] = useState(false);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<{ label: string; step: number; total: number } | null>(null);
  const [problems, setProblems] = useState<SendProblem[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const autosave = useDraftAutosave(state);
  const { identities, editorVersion, changeFrom } = useComposeIdentity(state, setState);

  const ownAddresses = useMemo(() => fromAddresses.map((a) => a.address), [fromAddresses]);
  const correspondents = useCorrespondents(ownAddresses);
  const everyone = allRecipients(state);
  const { byAddress: kinds, query: kindsQuery } = useRecipientKinds(everyone.filter((r) => !r.error).map((r) => r.address));
  const chosen = everyone.map((r) => r.address);

  // Focus goes into the window when it opens and when it is restored (not when the dock minimises it).
  const wasMinimised = useRef(minimised);
  useEffect(() => {
    if (!minimised && dialog.current && (wasMinimised.current || !dialog.current.contains(document.activeElement))) focusFirstField(dialog.current);
    wasMinimised.current = minimised;
  }, [minimised]);

  const update = (change: Partial<ComposeState>) => {
    setState((s) => ({ ...s, ...change }));
    setProblems([]);
    setFailure(null);
  };

  const requestClose = () => {
    if (busy) return;
    if (isBlank(state) && !state.draftId) onClose();
    else {
      setConfirmClose(true);
      if (minimised) onRestore?.();
    }
  };

  const send = async (sendAt?: Date) => {
    setBusy(true);
    setFailure(null);
    setProblems([]);
    try {
      const draftId = await autosave.settle();
      const result = await onSend({ state: { ...state, draftId }, sendAt, onProgress: (label, step, total) => setProgress({ label, step, total }) });
      if (result.status === 'problems') setProblems(result.problems);
    } catch (err) {
      setFailure(errorMessage(err));
    } finally {
      setBusy(false);
      setProgress(null);
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    // Keys typed here are the window's: the mailbox's shortcuts (on document) never see them.
    event.stopPropagation();
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      if (!busy && !minimised) void send();
    } else if (event.key === 'Escape' && !event.defaultPrevented && !minimised) {
      // A field that used Escape (closing suggestions) prevented its default.
      event.preventDefault();
      if (confirmClose) setConfirmClose(false);
      else requestClose();
    }
  };

  const savedText = { idle: '', saving: 'Saving draft…', saved: 'Draft saved', error: "Couldn't save the draft" }[autosave.status];
  const fieldProps = { kinds, correspondents, exclude: chosen, mailDomain };

  return (
    <section
      ref={dialog}
      role="dialog"
      aria-modal="false"
      aria-labelledby={titleId}
      data-testid="compose"
      data-minimised={minimised}
      onKeyDown={onKeyDown}
      className={windowClass(minimised)}
    >
      <div className="flex items-center justify-between gap-2 border-b border-slate-200 px-4 py-2">
        <h2 id={titleId} className="min-w-0 truncate text-base font-semibold">
          {state.subject.trim() || title}
        </h2>
        <div className="flex shrink-0 items-center gap-1">
          <span role="status" className={`mr-2 text-xs text-slate-600 ${minimised ? 'sr-only' : ''}`} data-testid="draft-status">
            {savedText}
          </span>
          {onMinimise && onRestore ? <MinimiseToggle minimised={minimised} onMinimise={onMinimise} onRestore={onRestore} /> : null}
          <button type="button" onClick={requestClose} aria-label="Close" className="rounded p-1 hover:bg-slate-100">
            <CloseIcon />
          </button>
        </div>
      </div>

      {confirmClose && !minimised ? (
        <CloseConfirm
          onKeep={async () => {
            await autosave.flush();
            onClose();
          }}
          onDiscard={async () => {
            await onDiscard(await autosave.settle());
            onClose();
          }}
          onBack={() => setConfirmClose(false)}
        />
      ) : null}

      <div className="flex min-h-0 flex-1 flex-col overflow-y-auto px-4" hidden={confirmClose || minimised}>
        <div className="flex items-center gap-2 border-b border-slate-200 py-1">
          <label htmlFor={fromId} className="w-12 shrink-0 text-sm text-slate-500">
            From
          </label>
          <select
            id={fromId}
            value={state.from}
            onChange={(e) => {
              changeFrom(e.target.value);
              update({});
            }}
            className="min-w-0 flex-1 rounded border-0 bg-transparent py-1.5 text-sm"
          >
            {fromAddresses.some((a) => a.address === state.from) ? null : <option value={state.from}>{state.from}</option>}
            {fromAddresses.map((a) => (
              <option key={a.address} value={a.address}>
                {identityLabel(identities?.find((i) => i.address === a.address) ?? { ...a, displayName: '' })}
              </option>
            ))}
          </select>
          <span className="flex gap-1">
            {showCc ? null : (
              <Button type="button" variant="ghost" className="px-2 py-1" aria-label="Add Cc" onClick={() => setShowCc(true)}>
                Cc
              </Button>
            )}
            {showBcc ? null : (
              <Button type="button" variant="ghost" className="px-2 py-1" aria-label="Add Bcc" onClick={() => setShowBcc(true)}>
                Bcc
              </Button>
            )}
          </span>
        </div>
        <RecipientField label="To" recipients={state.to} onChange={(to) => update({ to })} autoFocus={state.to.length === 0} {...fieldProps} />
        {showCc ? (
          <RecipientField
            label="Cc"
            recipients={state.cc}
            onChange={(cc) => update({ cc })}
            autoFocus={state.cc.length === 0 && state.to.length > 0}
            {...fieldProps}
          />
        ) : null}
        {showBcc ? <RecipientField label="Bcc" recipients={state.bcc} onChange={(bcc) => update({ bcc })} {...fieldProps} /> : null}
        {kindsQuery.isError ? <p className="py-1 text-xs text-red-700">Recipients could not be checked: {errorMessage(kindsQuery.error)}</p> : null}
        <div className="flex items-center gap-2 border-b border-slate-200 py-1">
          <label htmlFor={subjectId} className="w-12 shrink-0 text-sm text-slate-500">
            Subject
          </label>
          <input
            id={subjectId}
            value={state.subject}
            maxLength={900}
            autoFocus={state.to.length > 0 && !state.subject}
            onChange={(e) => update({ subject: e.target.value })}
            className="min-w-0 flex-1 border-0 bg-transparent px-1 py-1.5 text-sm focus:outline-none focus:ring-0"
          />
        </div>
        <div className="flex items-center justify-between pt-2">
          <span id={bodyLabelId} className="text-sm text-slate-500">
            Message
          </span>
          <Button
            type="button"
            variant="ghost"
            className="px-2 py-1 text-xs"
            aria-pressed={state.mode === 'plain'}
            onClick={() => (state.mode === 'rich' ? update({ mode: 'plain' }) : update({ mode: 'rich', html: textToHtml(state.text) }))}
          >
            Plain text
          </Button>
        </div>
        <MessageEditor
          key={`${state.mode}-${editorVersion}`}
          mode={state.mode}
          html={state.html}
          text={state.text}
          labelId={bodyLabelId}
          onChange={(body) => update(state.mode === 'rich' ? body : { text: body.text })}
        />
        <AttachmentPicker
          attachments={state.attachments}
          limit={attachmentLimit}
          onAdd={(a) => setState((s) => ({ ...s, attachments: [...s.attachments, a] }))}
          onRemove={(id) => update({ attachments: state.attachments.filter((a) => a.id !== id) })}
        />
      </div>

      <div className="space-y-2 border-t border-slate-200 px-4 py-3" hidden={confirmClose || minimised}>
        {problems.length ? <ProblemList problems={problems} /> : null}
        {failure ? <Alert>{failure}</Alert> : null}
        {progress ? <StepProgress label={progress.label} step={progress.step} total={progress.total} /> : null}
        {scheduling ? (
          <SchedulePicker busy={busy} onSchedule={(when) => void send(when)} onCancel={() => setScheduling(false)} />
        ) : (
          <div className="flex flex-wrap items-center gap-2">
            <Button type="button" loading={busy} onClick={() => void send()}>
              Send
            </Button>
            <Button type="button" variant="secondary" disabled={busy} onClick={() => setScheduling(true)}>
              Schedule…
            </Button>
            <span className="ml-auto" />
            <Button type="button" variant="ghost" disabled={busy} onClick={requestClose}>
              Close
            </Button>
          </div>
        )}
      </div>
    </section>
  );
}

function ProblemList({ problems }: { problems: SendProblem[] }) {
  return (
    <div role="alert" className="space-y-2 rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
      <p className="font-medium">The message was not sent:</p>
      <ul className="list-disc space-y-0.5 pl-5" data-testid="send-problems">
        {problems.map((p, i) => (
          <li key={i}>{p.address && !p.reason.includes(p.address) ? `${p.address}: ${p.reason}` : p.reason}</li>
        ))}
      </ul>
    </div>
  );
}
