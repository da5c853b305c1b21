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
}

/**
 * The scheduled messages of both kinds, soonest first. A send to people here and elsewhere is two
 * entries (the server holds the parts apart), each cancelled on its own.
 */
export function scheduledEntries(outbound: OutboundEntry[], internal: ScheduledInternalEntry[]): ScheduledEntry[] {
  const entries: ScheduledEntry[] = [
    ...outbound
      .filter((m) => m.status === 'scheduled')
      .map((m) => ({ key: `outbound:${m.id}`, kind: 'outbound' as const, id: m.id, from: m.from, sendAt: m.sendAt, to: m.recipients.map((r) => r.address).join(', ') })),
    ...internal
      .filter((m) => m.cancellable)
      .map((m) => ({ key: `internal:${m.id}`, kind: 'internal' as const, id: m.id, from: m.from, sendAt: m.sendAt, to: m.recipients.join(', ') })),
  ];
  return entries.sort((a, b) => a.sendAt.localeCompare(b.sendAt) || a.key.localeCompare(b.key));
}
