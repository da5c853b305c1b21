import { performance } from 'node:perf_hooks';
import type { Db } from '../../db/client';
import {
  type AttemptConclusion,
  type ClaimedOutbound,
  type RecipientOutcome,
  claimOutboundBatch,
  findOutboundStates,
  findStrandedOutbound,
  finishAttempt,
} from '../../db/repositories/outbound.repository';
import type { OutboundRecipientRow, OutboundStatus } from '../../db/schema';
import type { Clock } from '../clock';
import { openBytesAtRest } from '../secrets';
import type { Logger } from '../logger';
import type { DnsResolver } from '../mail/dns';
import { type Bounce, prepareBounce, storeBounce } from './bounce';
import { type TryResult, deliverToDomain } from './domain-delivery';
import { headerBlock, statusFromReply } from './dsn';
import { OUTBOUND_SEAL_PURPOSE, type OutboundQueue } from './queue';
import type { MtaStsLookup } from './mta-sts';
import { recordDeliveryAttempt } from '../metrics/worker';
import { createOutcomeWriter } from './outcome-writer';
import { nextAttemptAt } from './retry-schedule';
import type { SmtpPools } from './smtp-client';

export interface DelivererDeps {
  db: Db;
  clock: Clock;
  resolve: DnsResolver;
  log: Logger;
  pools: SmtpPools;
  /** This process's WorkerPresence id: what claimed_by says while it delivers a message. */
  workerId: string;
  /** Receiving domains' MTA-STS policies (mta-sts.ts). */
  mtaSts?: MtaStsLookup;
  queue: OutboundQueue;
  /**
   * Makes a message's sealed copy ready to send. By default it is sealed MIME; the worker role
   * passes the sending platform's composer, whose API messages are composed at delivery.
   */
  materialize?: (sealed: Uint8Array) => Promise<Materialized>;
  config: {
    /** OUTBOUND_SMTP_PORT */
    port: number;
    /** MAIL_HOSTNAME or MAIL_DOMAIN: Reporting-MTA of bounces. */
    reportingMta: string;
    mailDomain: string;
    /** DEAD_LETTER_RETENTION_HOURS */
    retentionHours: number;
  };
}

/** A sealed copy made ready to send, or why it never can be (each due recipient then bounces). */
export type Materialized = { mime: Buffer } | { refused: { status: string; reason: string } };

const openSealedMime = async (sealed: Uint8Array): Promise<Materialized> => ({ mime: openBytesAtRest(sealed, OUTBOUND_SEAL_PURPOSE) });

export type DeliveryReport =
  | { outcome: 'busy' | 'not-due' | 'gone' }
  | { outcome: 'attempted'; status: OutboundStatus; delivered: number; deferred: number; failed: number };

/** Domains delivered to at once within one message. */
const DOMAINS_IN_PARALLEL = 8;
const PENDING = new Set(['queued', 'deferred', 'sending']);

async function mapLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const run = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
}

function groupByDomain(recipients: OutboundRecipientRow[], oneGroup: boolean): [string, OutboundRecipientRow[]][] {
  if (oneGroup) return [['relay', recipients]];
  const groups = new Map<string, OutboundRecipientRow[]>();
  for (const r of recipients) groups.set(r.domain, [...(groups.get(r.domain) ?? []), r]);
  return [...groups];
}

/** Splits one try's results into plain outcomes and bounces, applying the retry schedule. */
function judge(results: TryResult[], now: Date): { outcomes: RecipientOutcome[]; bounces: Bounce[] } {
  const outcomes: RecipientOutcome[] = [];
  const bounces: Bounce[] = [];
  for (const r of results) {
    const bounce = (status: string, reason: string, reply: string | null) =>
      bounces.push({ recipientId: r.recipient.id, address: r.recipient.address, status, reason, reply, remoteMta: r.remoteMta });
    const fromServer = r.status === null; // else the failure came from DNS, not from a reply
    if (r.outcome === 'delivered') {
      outcomes.push({ id: r.recipient.id, status: 'delivered', reply: r.reply, nextAttemptAt: null });
    } else if (r.outcome === 'failed') {
      bounce(r.status ?? statusFromReply(r.reply, '5.0.0'), r.reason ?? 'The receiving server refused the message.', fromServer ? r.reply : null);
    } else {
      const next = nextAttemptAt(now, r.recipient.attempts + 1, r.recipient.expires_at);
      if (next) outcomes.push({ id: r.recipient.id, status: 'deferred', reply: r.reply, nextAttemptAt: next });
      else bounce('4.4.7', `Delivery was tried for five days without success. The last try said: ${r.reply}`, fromServer ? r.reply : null);
    }
  }
  return { outcomes, bounces };
}

export function createDeliverer(deps: DelivererDeps) {
  const { db, clock, log } = deps;
  // Messages this process is delivering right now. The database only knows "claimed by this
  // worker", which is also true of an attempt here that threw and may be taken over.
  const inFlight = new Set<string>();
  const writer = createOutcomeWriter(db, clock);

  /** The message's status once this attempt's outcomes are in. */
  function conclude(recipients: OutboundRecipientRow[], outcomes: RecipientOutcome[], bounces: Bounce[], now: Date): AttemptConclusion {
    const after = new Map<string, { status: string; next: Date | null }>(recipients.map((r) => [r.id, { status: r.status, next: r.next_attempt_at }]));
    for (const o of outcomes) after.set(o.id, { status: o.status, next: o.nextAttemptAt });
    for (const b of bounces) after.set(b.recipientId, { status: 'failed', next: null });
    const states = [...after.values()];
    const pending = states.filter((s) => PENDING.has(s.status));
    if (pending.length) {
      const next = new Date(Math.min(...pending.map((s) => s.next?.getTime() ?? now.getTime())));
      return { status: 'queued', next_attempt_at: next, finished_at: null, purge_after: null, dropSealed: false };
    }
    const delivered = states.filter((s) => s.status === 'delivered').length;
    const failed = states.filter((s) => s.status === 'failed').length;
    // Every recipient is final: the sealed copy goes, unless a dead letter may still be retried from it.
    const keep = failed > 0 && deps.config.retentionHours > 0;
    return {
      status: failed === 0 ? 'delivered' : delivered === 0 ? 'bounced' : 'partially-failed',
      next_attempt_at: null,
      finished_at: now,
      purge_after: keep ? new Date(now.getTime() + deps.config.retentionHours * 3600_000) : null,
      dropSealed: !keep,
    };
  }

  /** Why a message this worker asked for was not taken: another worker has it, it isn't due, or it is done. */
  async function notTaken(ids: string[], now: Date): Promise<Map<string, DeliveryReport>> {
    const reports = new Map<string, DeliveryReport>(ids.map((id) => [id, { outcome: 'gone' }]));
    for (const current of await findOutboundStates(db, ids)) {
      if (current.status === 'sending')
        reports.set(current.id, { outcome: 'busy' }); // another live worker has it
      else if (current.next_attempt_at && (current.status === 'scheduled' || current.status === 'queued')) {
        // Woken early (clock skew, a duplicate job): sleep again until it is due.
        await deps.queue.enqueueDelivery(current.id, Math.max(0, (current.next_attempt_at.getTime() - now.getTime()) / 1000));
        reports.set(current.id, { outcome: 'not-due' });
      }
    }
    return reports;
  }

  async function attempt({ message, recipients }: ClaimedOutbound): Promise<DeliveryReport> {
    const id = message.id;
    const due = recipients.filter((r) => r.status === 'sending');
    const ready = message.sealed_mime ? await (deps.materialize ?? openSealedMime)(message.sealed_mime) : null;
    const mime = ready && 'mime' in ready ? ready.mime : null;

    // Each domain's delivered and deferred outcomes are committed as soon as its transaction ends,
    // so a crash later in the attempt can't send to a recipient whose 250 is already in. The last
    // domain's go with the end of the attempt; failures wait for the bounce, committed with it.
    const outcomes: RecipientOutcome[] = [];
    const unrecorded: RecipientOutcome[] = [];
    const bounces: Bounce[] = [];
    const groups = mime ? groupByDomain(due, deps.pools.usesRelay) : [];
    let running = groups.length;
    const record = async (results: TryResult[]) => {
      const judged = judge(results, clock.now());
      outcomes.push(...judged.outcomes);
      bounces.push(...judged.bounces);
      if (--running > 0) await writer.commit(judged.outcomes);
      else unrecorded.push(...judged.outcomes);
    };
    if (mime) {
      const domainDeps = { resolve: deps.resolve, pools: deps.pools, port: deps.config.port, mtaSts: deps.mtaSts };
      await mapLimited(groups, DOMAINS_IN_PARALLEL, async ([domain, group]) =>
        record(await deliverToDomain(domainDeps, message.envelope_from, mime, domain, group)),
      );
    } else {
      // Refused when it was composed (too large, its template deleted, its domain gone), or the
      // copy was purged while a recipient was still due: nothing can be sent.
      const { status, reason } = ready && 'refused' in ready ? ready.refused : { status: '5.3.0', reason: 'The message content was deleted before delivery.' };
      bounces.push(...due.map((r) => ({ recipientId: r.id, address: r.address, status, reason, reply: null, remoteMta: null, local: true })));
    }

    const after = clock.now();
    const conclusion = conclude(recipients, outcomes, bounces, after);
    if (bounces.length) {
      const report = await prepareBounce(db, message, mime ? headerBlock(mime) : Buffer.alloc(0), bounces, {
        reportingMta: deps.config.reportingMta,
        mailDomain: deps.config.mailDomain,
        now: after,
      });
      const failed: RecipientOutcome[] = bounces.map((b) => ({
        id: b.recipientId,
        status: 'failed',
        // A local failure must not read as the remote server's 5xx (which suppresses the address).
        reply: b.reply ?? (b.local ? `Not sent (${b.status}): ${b.reason}` : `${b.status} ${b.reason}`),
        nextAttemptAt: null,
      }));
      await db.transaction().execute(async (trx) => {
        await finishAttempt(trx, id, conclusion, [...unrecorded, ...failed], after);
        await storeBounce(trx, message, report, after);
      });
    } else {
      await writer.commit(unrecorded, { id, conclusion });
    }
    if (conclusion.next_attempt_at) await deps.queue.enqueueDelivery(id, Math.max(0, (conclusion.next_attempt_at.getTime() - after.getTime()) / 1000));

    const count = (status: string) => outcomes.filter((o) => o.status === status).length;
    return { outcome: 'attempted', status: conclusion.status, delivered: count('delivered'), deferred: count('deferred'), failed: bounces.length };
  }

  async function timedAttempt(taken: ClaimedOutbound): Promise<DeliveryReport> {
    const started = performance.now();
    const report = await attempt(taken);
    if (report.outcome === 'attempted') recordDeliveryAttempt((performance.now() - started) / 1000, report);
    return report;
  }

  /**
   * One attempt for each message that is due and that no other worker has: claimed together in
   * one statement, delivered side by side, each committed as soon as it is done (see
   * OutcomeWriter). One result per id, in order; a failed attempt doesn't stop the others.
   */
  async function deliverAll(ids: string[]): Promise<PromiseSettledResult<DeliveryReport>[]> {
    const mine = [...new Set(ids)].filter((id) => !inFlight.has(id));
    for (const id of mine) inFlight.add(id);
    try {
      const now = clock.now();
      const claimed = await claimOutboundBatch(db, mine, now, deps.workerId);
      const others = mine.filter((id) => !claimed.has(id));
      const skipped = others.length ? notTaken(others, now) : undefined;
      const reports = new Map<string, Promise<DeliveryReport>>();
      for (const id of mine) {
        const taken = claimed.get(id);
        reports.set(id, taken ? timedAttempt(taken) : skipped!.then((r) => r.get(id)!));
      }
      // The same id twice, or one this process is already delivering: the other call has it.
      const busy = Promise.resolve<DeliveryReport>({ outcome: 'busy' });
      const results = await Promise.allSettled(ids.map((id, i) => (ids.indexOf(id) === i ? reports.get(id) : undefined) ?? busy));
      const attempts = results.flatMap((r, i) => (r.status === 'fulfilled' && r.value.outcome === 'attempted' ? [{ outboundId: ids[i], ...r.value }] : []));
      // One line per batch rather than per message: a busy worker writes far fewer log lines.
      if (attempts.length) log.info({ attempts: attempts.map(({ outcome: _, ...a }) => a) }, 'outbound attempts');
      return results;
    } catch (err) {
      return ids.map(() => ({ status: 'rejected', reason: err }));
    } finally {
      for (const id of mine) inFlight.delete(id);
    }
  }

  return {
    /** One attempt for a message, if it is due and no other worker has it. */
    async deliver(id: string): Promise<DeliveryReport> {
      const [result] = await deliverAll([id]);
      if (result!.status === 'rejected') throw result!.reason;
      return result!.value;
    },

    deliverAll,

    /**
     * Re-queues messages whose job was lost or whose worker died (see findStrandedOutbound). Runs
     * when a worker starts and every minute; `graceMs` keeps it from doubling jobs that are merely
     * waiting their turn in a busy queue.
     */
    async sweep(graceMs = 60_000): Promise<number> {
      const stranded = (await findStrandedOutbound(db, clock.now(), graceMs, 500)).filter((r) => !inFlight.has(r.id));
      for (const row of stranded) await deps.queue.enqueueDelivery(row.id, 0);
      if (stranded.length) log.info({ count: stranded.length }, 'outbound messages re-queued');
      return stranded.length;
    },
  };
}

export type Deliverer = ReturnType<typeof createDeliverer>;
