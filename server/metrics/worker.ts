import 'server-only';
import { SECONDS_BUCKETS, counter, gauge, histogram } from './registry';

/** The worker role's metrics. */
const deliveryOutcomes = counter(
  'sealpost_delivery_recipients_total',
  'Outbound recipients after a delivery attempt, by outcome (delivered, deferred, failed).',
  ['outcome'],
);
const attemptLatency = histogram(
  'sealpost_delivery_attempt_duration_seconds',
  'One delivery attempt of one outbound message (all its recipients).',
  SECONDS_BUCKETS,
);
const dnsChecks = counter('sealpost_domain_checks_total', 'Domain DNS checks, by resulting domain status and by record status.', ['kind', 'status']);

export function recordDeliveryAttempt(seconds: number, counts: { delivered: number; deferred: number; failed: number }): void {
  attemptLatency.observe(seconds);
  for (const outcome of ['delivered', 'deferred', 'failed'] as const) if (counts[outcome]) deliveryOutcomes.inc({ outcome }, counts[outcome]);
}

export function recordDomainCheck(status: string, records: { kind: string; status: string }[]): void {
  dnsChecks.inc({ kind: 'domain', status });
  for (const record of records) dnsChecks.inc({ kind: record.kind, status: record.status });
}

export interface QueueDepthReading {
  jobs: { queue: string; state: string; count: number }[];
  outbound: { status: string; count: number }[];
  deadLetters: number;
}

/** Queue depth by queue and state, outbound messages by status and dead letters, read at scrape time. */
export function trackQueueDepth(read: () => Promise<QueueDepthReading>): void {
  let last: Promise<Awaited<ReturnType<typeof read>>> | undefined;
  // Both gauges read the same query result within one scrape.
  const once = () => {
    last ??= read().finally(() => setTimeout(() => (last = undefined), 1_000).unref());
    return last;
  };
  gauge('sealpost_queue_jobs', 'pg-boss jobs by queue and state.', ['queue', 'state'], async function collect() {
    this.reset();
    for (const row of (await once()).jobs) this.set({ queue: row.queue, state: row.state }, row.count);
  });
  gauge(
    'sealpost_outbound_messages',
    'Outbound messages by status (queued, sending, bounced, …); dead letters are failed recipients kept for retry.',
    ['status'],
    async function collect() {
      this.reset();
      for (const row of (await once()).outbound) this.set({ status: row.status }, row.count);
    },
  );
  gauge('sealpost_dead_letters', 'Dead letters (recipients that bounced) not yet retried by an admin.', [], async function collect() {
    this.set((await once()).deadLetters);
  });
}
