'use client';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { callKeys } from '../keys/key-proxy';
import { decryptSummaries } from '../mail/summaries';
import { type SummaryResult, subjectLabel } from '../mail/summary-reader';
import type { ScheduledInternalEntry } from './scheduled-entries';

/**
 * The subjects of scheduled sends: each send carries its Sent copy's summary, encrypted to you,
 * decrypted here in the key Worker as the list's rows are. Keyed `scheduled:<id>`.
 */
export function useScheduledSubjects(sends: ScheduledInternalEntry[] | undefined) {
  const items = (sends ?? []).flatMap((s) => (s.summary ? [{ id: `scheduled:${s.id}`, summary: s.summary, origin: null }] : []));
  return useQuery({
    queryKey: ['sealpost-decrypted', 'scheduled-subjects', items.map((i) => i.id)],
    queryFn: () => decryptSummaries(items, async (data) => (await callKeys('decryptBatch', { items: data })).results),
    enabled: items.length > 0,
    placeholderData: keepPreviousData,
    staleTime: Infinity,
    retry: false,
  });
}

/** What a row shows: null for a send that holds no summary, undefined while it is decrypted. */
export function subjectOf(result: SummaryResult | undefined | null): string {
  if (result === null) return subjectLabel(null);
  if (!result) return 'Decrypting…';
  return result.status === 'ok' ? subjectLabel(result.summary.subject) : '(subject unavailable)';
}
