'use client';
import { type KeyboardEvent, useEffect, useId, useMemo, useRef, useState } from 'react';
import { Alert, Button, StepProgress } from '@/app/components/ui';
import { type ComposeState, isBlank } from '@/app/lib/compose/compose-model';
import { textToHtml } from '@/app/lib/compose/quote';
import { allRecipients } from '@/app/lib/compose/recipients';
import type { PrepareResult, SendProblem, SendRequest } from '@/app/lib/compose/send';
import { type FromAddress, useCorrespondents, useRecipientKinds } from '@/app/lib/compose/use-compose-data';
import { useDraftAutosave } from '@/app/lib/compose/use-draft-autosave';
import { FOCUSABLE_SELECTOR, nextFocusIndex } from '@/app/lib/focus-cycle';
import { identityLabel } from '@/app/lib/identities/identity-model';
import { useComposeIdentity } from '@/app/lib/identities/use-compose-identity';
import { errorMessage } from '@/app/lib/trpc';
import { CloseIcon } from '../mail/icons';
import { AttachmentPicker } from './attachment-picker';
import { CloseConfirm } from './close-confirm';
import { MessageEditor } from './message-editor';
import { RecipientField } from './recipient-field';
import { SchedulePicker } from './schedule-picker';

/**
 * The compose window: a modal dialog (the mailbox behind it is inert), so Tab stays inside and
 * Escape asks whether to keep the draft. Ctrl+Enter sends. The draft saves itself as you type.
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
}: {
  initial: ComposeState;
  title: string;
  fromAddresses: FromAddress[];
  mailDomain: string;
  attachmentLimit: number;
  onSend: (request: SendRequest) => Promise<PrepareResult>;
  onDiscard: (draftId: string | null) => Promise<void>;
  onClose: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
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

  useEffect(() => {
    const el = dialog.current;
    if (el && !el.open) el.showModal();
    return () => el?.close();
  }, []);

  const update = (change: Partial<ComposeState>) => {
    setState((s) => ({ ...s, ...change }));
    setProblems([]);
    setFailure(null);
  };

  const requestClose = () => {
    if (busy) return;
    if (isBlank(state) && !state.draftId) onClose();
    else setConfirmClose(true);
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

  const onKeyDown = (event: KeyboardEvent<HTMLDialogElement>) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      if (!busy) void send();
    } else if (event.key === 'Tab' && dialog.current) {
      // Keep Tab inside the dialog, wrapping at both ends.
      const focusable = Array.from(dialog.current.querySelectorAll<HTMLElement>(`${FOCUSABLE_SELECTOR}, [contenteditable="true"]`)).filter(
        (el) => el.getClientRects().length > 0,
      );
      const index = focusable.indexOf(document.activeElement as HTMLElement);
      if (index === -1 || index === 0 || index === focusable.length - 1) {
        event.preventDefault();
        focusable[nextFocusIndex(index, focusable.length, event.shiftKey)]?.focus();
      }
    }
  };

  const savedText = { idle: '', saving: 'Saving draft…', saved: 'Draft saved', error: "Couldn't save the draft" }[autosave.status];
  const fieldProps = { kinds, correspondents, exclude: chosen, mailDomain };

  return (
    <dialog
      ref={dialog}
      aria-labelledby={titleId}
      data-testid="compose"
      onCancel={(event) => {
        event.preventDefault();
        if (confirmClose) setConfirmClose(false);
        else requestClose();
      }}
      onKeyDown={onKeyDown}
      className="m-auto flex h-[min(92vh,52rem)] w-[min(96vw,56rem)] flex-col overflow-hidden rounded-2xl border border-slate-200 bg-white p-0 text-slate-900 shadow-xl backdrop:bg-slate-900/40"
    >
      <div className="flex items-center justify-between border-b border-slate-200 px-4 py-2">
        <h2 id={titleId} className="text-base font-semibold">
          {title}
        </h2>
        <div className="flex items-center gap-3">
          <span role="status" className="text-xs text-slate-500" data-testid="draft-status">
            {savedText}
          </span>
          <button type="button" onClick={requestClose} aria-label="Close" className="rounded p-1 hover:bg-slate-100">
            <CloseIcon />
          </button>
        </div>
      </div>

      {confirmClose ? (
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

      <div className="flex min-h-0 flex-1 flex-col overflow-y-auto px-4" hidden={confirmClose}>
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

      <div className="space-y-2 border-t border-slate-200 px-4 py-3" hidden={confirmClose}>
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
    </dialog>
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
