'use client';
import { useCallback, useEffect, useRef, useState } from 'react';
import { toBase64, utf8 } from '@/crypto/encoding';
import { callKeys } from '../keys/key-proxy';
import { useTRPCClient } from '../trpc';
import { type ComposeState, draftMessage, isBlank } from './compose-model';

/**
 * Saves the draft a couple of seconds after the last change, encrypted in the key Worker to the
 * user's own key. One save at a time, always of the latest state. `settle()` (before sending or
 * closing) cancels a pending save, waits for one in flight and returns the draft's id.
 */
export type AutosaveStatus = 'idle' | 'saving' | 'saved' | 'error';

const DEBOUNCE_MS = 2000;
// Each save encrypts and uploads the whole draft, attachments included: wait longer when it is big.
const debounceFor = (attachmentBytes: number) => DEBOUNCE_MS + Math.min(28_000, Math.floor(attachmentBytes / 1_000_000) * 1000);

export function useDraftAutosave(state: ComposeState) {
  const client = useTRPCClient();
  const latest = useRef(state);
  latest.current = state;
  const draftId = useRef<string | null>(state.draftId);
  const dirty = useRef(false);
  const inFlight = useRef<Promise<void> | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const [status, setStatus] = useState<AutosaveStatus>(state.draftId ? 'saved' : 'idle');

  const save = useCallback(async (): Promise<void> => {
    while (inFlight.current) await inFlight.current;
    if (!dirty.current) return;
    dirty.current = false;
    const current = latest.current;
    if (isBlank(current) && !draftId.current) return;
    const run = (async () => {
      setStatus('saving');
      try {
        const { raw, summary } = draftMessage(current, new Date());
        const { parts } = await callKeys('encryptToSelf', { parts: [raw, utf8(JSON.stringify(summary))] });
        const saved = await client.compose.saveDraft.mutate({
          ...(draftId.current ? { id: draftId.current } : {}),
          raw: toBase64(parts[0]!),
          summary: toBase64(parts[1]!),
          size: raw.length,
        });
        draftId.current = saved.id;
        setStatus('saved');
      } catch {
        // Shown as "Couldn't save the draft"; the next change (or Keep) tries again.
        dirty.current = true;
        setStatus('error');
      }
    })();
    inFlight.current = run;
    await run;
    inFlight.current = null;
  }, [client]);

  const { to, cc, bcc, subject, mode, html, text, attachments, from } = state;
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    dirty.current = true;
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void save(), debounceFor(attachments.reduce((sum, a) => sum + a.size, 0)));
    return () => clearTimeout(timer.current);
  }, [to, cc, bcc, subject, mode, html, text, attachments, from, save]);

  return {
    status,
    /** Saves now if anything changed; resolves with the draft id (null: nothing worth saving). */
    flush: useCallback(async () => {
      clearTimeout(timer.current);
      await save();
      return draftId.current;
    }, [save]),
    /** Cancels a pending save (a later change schedules one again), waits for one in flight, returns the draft id. */
    settle: useCallback(async () => {
      clearTimeout(timer.current);
      while (inFlight.current) await inFlight.current;
      return draftId.current;
    }, []),
  };
}
