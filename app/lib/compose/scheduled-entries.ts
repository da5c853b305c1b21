import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/api/root';

type Outputs = inferRouterOutputs<AppRouter>;
export type OutboundEntry = Outputs['outbound']['list'][number];
export type ScheduledInternalEntry = Outputs['compose']['listScheduled'][number];

/** One line of the Scheduled view: a message waiting in the outbound queue, or for mailboxes here. */
export interface ScheduledEntry {
  /** Unique across both kinds. */
  key: string;
  /** 'outbound': cancelled with outbound.cancel; 'internal': with compose.cancelScheduled. */
  kind: 'outbound' | 'internal';
  id: string;
  from: string;
  sendAt: string;
  to: string;
  /** Base64 of the Sent copy's summary, encrypted to you: the subject to show. Null if there is none. */
  summary: string | null;
}

/**
 * The scheduled messages, soonest first: one entry per send. A send holds its copies for people
 * here and names its parts for elsewhere, so its entry lists everyone, and cancelling it
 * (compose.cancelScheduled) cancels every part. An outbound message that no send names (one
 * queued by an older client) is an entry of its own, cancelled with outbound.cancel.
 */
export function scheduledEntries(outbound: OutboundEntry[], internal: ScheduledInternalEntry[]): ScheduledEntry[] {
  const byId = new Map(outbound.map((m) => [m.id, m]));
  const named = new Set(internal.flatMap((m) => m.outboundIds));
  const entries: ScheduledEntry[] = [
    ...outbound
      .filter((m) => m.status === 'scheduled' && !named.has(m.id))
      .map((m) => ({
        key: `outbound:${m.id}`,
        kind: 'outbound' as const,
        id: m.id,
        from: m.from,
        sendAt: m.sendAt,
        to: m.recipients.map((r) => r.address).join(', '),
        summary: null,
      })),
    ...internal
      .filter((m) => m.cancellable)
      .map((m) => {
        const elsewhere = m.outboundIds.flatMap((id) => byId.get(id)?.recipients.map((r) => r.address) ?? []);
        return {
          key: `internal:${m.id}`,
          kind: 'internal' as const,
          id: m.id,
          from: m.from,
          sendAt: m.sendAt,
          to: [...m.recipients, ...elsewhere].join(', '),
          summary: m.summary,
        };
      }),
  ];
  return entries.sort((a, b) => a.sendAt.localeCompare(b.sendAt) || a.key.localeCompare(b.key));
}
