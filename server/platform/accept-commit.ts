import 'server-only';
import type { Db } from '../../db/client';
import type { PlatformEventType } from '../../db/platform-schema';
import { type SqlExecutor, sqlExecutor } from '../../db/pg-boss-executor';
import { type NewPlatformSend, claimIdempotentMany, findIdempotent, findSuppressedPairs, insertPlatformSends } from '../../db/repositories/platform.repository';
import { AppError } from '../errors';

/** Wakes workers for platform messages: many jobs in one statement, in the caller's transaction. */
export interface PlatformQueue {
  enqueueDeliveries(items: { id: string; sendAt: Date }[], tx: SqlExecutor): Promise<void>;
}

/** One message of a request, ready to store: everything but what suppressions decide. */
export interface Draft {
  id: string;
  /** For the answer: the first To (the batch recipient). */
  to: string;
  recipients: { address: string; domain: string }[];
  outbound: Omit<NonNullable<NewPlatformSend['outbound']>, 'recipients'>;
  message: Omit<NewPlatformSend['message'], 'status'>;
}

export interface Accepted {
  id: string;
  to: string;
  status: 'queued' | 'scheduled' | 'suppressed';
}

export interface AcceptAnswer {
  batch_id: string;
  messages: Accepted[];
}

/** A request's messages, to be made durable together. */
export interface AcceptRequest {
  keyId: string;
  domain: string;
  batchId: string;
  status: 'queued' | 'scheduled';
  now: Date;
  idempotency: { key: string; hash: string } | null;
  drafts: Draft[];
}

interface Pending {
  request: AcceptRequest;
  resolve(answer: AcceptAnswer): void;
  reject(err: unknown): void;
}

/** Flushes in flight at once: while one commits, the next gathers everything that arrives. */
const MAX_IN_FLIGHT = 1;
/** Messages per flush (a request is never split). */
const MAX_MESSAGES_PER_FLUSH = 2000;

function replay(prior: { request_hash: string; response: unknown } | undefined, hash: string): AcceptAnswer {
  // The key was taken by a request that committed; it can only be gone if history was pruned since.
  if (!prior) throw new AppError('UNAVAILABLE', 'This Idempotency-Key is being used by another request; retry in a moment.');
  if (prior.request_hash !== hash) {
    throw new AppError('INVALID_STATE', 'This Idempotency-Key was used with a different request.', { field: 'Idempotency-Key' });
  }
  return prior.response as AcceptAnswer;
}

/**
 * Group commit for the API's accept path. A send is answered 202 once its messages are durable:
 * their outbound rows (holding the sealed spec), recipients, platform rows, first events and
 * delivery jobs are committed. Requests that arrive while a flush is committing wait for the next
 * one, which stores all of them in one transaction of a few multi-row statements: under load,
 * one commit (and one WAL flush) serves dozens of requests; alone, a request flushes at once.
 *
 * Inside a flush: one query finds the suppressed recipients of every request; Idempotency-Keys
 * are taken with one INSERT … ON CONFLICT DO NOTHING, and a request whose key was already taken
 * (committed before, or by a concurrent request anywhere, which the unique index makes wait)
 * stores nothing and answers with the stored response once this flush commits. If a flush fails,
 * each of its requests is retried alone, so one bad request can't fail the others.
 */
export class AcceptCommitter {
  private readonly waiting: Pending[] = [];
  private inFlight = 0;
  /** Transactions committed and messages in them, for the benchmark's messages-per-commit figure. */
  readonly counts = { flushes: 0, requests: 0, messages: 0 };

  constructor(private readonly deps: { db: Db; queue: PlatformQueue }) {}

  commit(request: AcceptRequest): Promise<AcceptAnswer> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ request, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < MAX_IN_FLIGHT && this.waiting.length > 0) {
      let size = 0;
      let take = 0;
      while (take < this.waiting.length && (take === 0 || size + this.waiting[take]!.request.drafts.length <= MAX_MESSAGES_PER_FLUSH)) {
        size += this.waiting[take]!.request.drafts.length;
        take++;
      }
      const group = this.waiting.splice(0, take);
      this.inFlight++;
      void this.flush(group).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async flush(group: Pending[]): Promise<void> {
    let outcomes: ({ kind: 'stored'; answer: AcceptAnswer } | { kind: 'replay' })[];
    try {
      outcomes = await this.deps.db.transaction().execute((trx) =>
        this.store(
          trx,
          group.map((p) => p.request),
        ),
      );
      this.counts.flushes++;
      this.counts.requests += group.length;
      for (const p of group) this.counts.messages += p.request.drafts.length;
    } catch (err) {
      if (group.length > 1) {
        await Promise.all(group.map((p) => this.flush([p])));
        return;
      }
      group[0]!.reject(err);
      return;
    }
    await Promise.all(
      group.map(async (p, i) => {
        const outcome = outcomes[i]!;
        try {
          if (outcome.kind === 'stored') p.resolve(outcome.answer);
          else {
            const { keyId, idempotency } = p.request;
            p.resolve(replay(await findIdempotent(this.deps.db, keyId, idempotency!.key), idempotency!.hash));
          }
        } catch (err) {
          p.reject(err);
        }
      }),
    );
  }

  private async store(trx: Db, requests: AcceptRequest[]): Promise<({ kind: 'stored'; answer: AcceptAnswer } | { kind: 'replay' })[]> {
    const suppressed = await findSuppressedPairs(
      trx,
      requests.flatMap((r) => r.drafts.flatMap((d) => d.recipients.map((x) => ({ domain: r.domain, address: x.address })))),
    );
    const isSuppressed = (domain: string, address: string) => suppressed.has(`${domain} ${address}`);
    const answers = requests.map((r) => ({
      batch_id: r.batchId,
      messages: r.drafts.map((d) => ({
        id: d.id,
        to: d.to,
        status: d.recipients.some((x) => !isSuppressed(r.domain, x.address)) ? r.status : ('suppressed' as const),
      })),
    }));

    // Each Idempotency-Key once per flush; a second request with it replays the first's answer.
    const claims = new Map<string, number>();
    requests.forEach((r, i) => {
      const name = r.idempotency && `${r.keyId} ${r.idempotency.key}`;
      if (name && !claims.has(name)) claims.set(name, i);
    });
    const taken = await claimIdempotentMany(
      trx,
      [...claims.values()].map((i) => ({
        key_id: requests[i]!.keyId,
        idempotency_key: requests[i]!.idempotency!.key,
        request_hash: requests[i]!.idempotency!.hash,
        response: answers[i],
        created_at: requests[i]!.now,
      })),
    );
    const stores = requests.map(
      (r, i) => !r.idempotency || (claims.get(`${r.keyId} ${r.idempotency.key}`) === i && taken.has(`${r.keyId} ${r.idempotency.key}`)),
    );

    const sends: NewPlatformSend[] = [];
    const due: { id: string; sendAt: Date }[] = [];
    requests.forEach((r, i) => {
      if (!stores[i]) return;
      r.drafts.forEach((d, j) => {
        const active = d.recipients.filter((x) => !isSuppressed(r.domain, x.address));
        sends.push({
          outbound: active.length ? { ...d.outbound, recipients: active } : null,
          message: { ...d.message, status: answers[i]!.messages[j]!.status },
          events: d.recipients.map((x) => ({
            recipient: x.address,
            type: (isSuppressed(r.domain, x.address) ? 'suppressed' : 'accepted') as PlatformEventType,
          })),
        });
        if (active.length) due.push({ id: d.id, sendAt: d.outbound.send_at });
      });
    });
    await insertPlatformSends(trx, sends);
    if (due.length) await this.deps.queue.enqueueDeliveries(due, sqlExecutor(trx));
    return stores.map((stored, i) => (stored ? { kind: 'stored' as const, answer: answers[i]! } : { kind: 'replay' as const }));
  }
}
