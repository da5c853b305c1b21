import 'server-only';
import type { Db } from '../../db/client';
import { type InboundCopy, storeInboundBatch } from '../../db/repositories/inbound.repository';

/**
 * Group commit for inbound mail: messages that finish while a commit is in flight wait for it and
 * then go together, in one statement (storeInboundBatch). Under light load a message is stored at
 * once, alone; under heavy load one fsync covers many messages. A failed statement fails every
 * message of its batch, each of which answers 451 (nothing of it is stored).
 */
export type InboundStore = (rows: InboundCopy[], options: { notAfter?: Date }) => Promise<{ id: string; user_id: string }[]>;

interface Pending {
  rows: InboundCopy[];
  notAfter?: Date;
  bytes: number;
  resolve: (stored: { id: string; user_id: string }[]) => void;
  reject: (err: unknown) => void;
}

export interface GroupCommitOptions {
  /** Statements in flight at once; the next batch forms while they run. */
  concurrency?: number;
  maxMessages?: number;
  /** A batch stops growing past this many ciphertext bytes (it always takes at least one message). */
  maxBytes?: number;
}

export function createGroupCommit(db: Db, options: GroupCommitOptions = {}): InboundStore {
  // A few statements at once (the pool has 10 connections; RCPT lookups need some): with one, a
  // slow fsync on a busy disk holds every session up to its reply deadline.
  const concurrency = options.concurrency ?? 4;
  const maxMessages = options.maxMessages ?? 64;
  const maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
  const queue: Pending[] = [];
  let inFlight = 0;

  function pump(): void {
    while (inFlight < concurrency && queue.length > 0) {
      let bytes = 0;
      let take = 0;
      while (take < queue.length && take < maxMessages && (take === 0 || bytes + queue[take]!.bytes <= maxBytes)) {
        bytes += queue[take]!.bytes;
        take++;
      }
      const batch = queue.splice(0, take);
      inFlight++;
      storeInboundBatch(
        db,
        batch.map(({ rows, notAfter }) => ({ rows, ...(notAfter ? { notAfter } : {}) })),
      )
        .then(
          (stored) => {
            for (const [i, pending] of batch.entries()) pending.resolve(stored[i]!);
          },
          (err: unknown) => {
            for (const pending of batch) pending.reject(err);
          },
        )
        .finally(() => {
          inFlight--;
          pump();
        });
    }
  }

  return (rows, { notAfter }) =>
    new Promise((resolve, reject) => {
      const bytes = rows.reduce((sum, row) => sum + row.raw_ciphertext.length + row.summary_ciphertext.length, 0);
      queue.push({ rows, ...(notAfter ? { notAfter } : {}), bytes, resolve, reject });
      pump();
    });
}
