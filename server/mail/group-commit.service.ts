import 'server-only';
import type { Db } from '../../db/client';
import { type InboundCopy, storeInboundBatch } from '../../db/repositories/inbound.repository';
import { groupedStatements } from '../grouped-statements';

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
  const store = groupedStatements<Pending, { id: string; user_id: string }[]>({
    concurrency,
    take: (waiting) => {
      let bytes = 0;
      let take = 0;
      while (take < waiting.length && take < maxMessages && (take === 0 || bytes + waiting[take]!.bytes <= maxBytes)) {
        bytes += waiting[take]!.bytes;
        take++;
      }
      return take;
    },
    run: (batch) =>
      storeInboundBatch(
        db,
        batch.map(({ rows, notAfter }) => ({ rows, ...(notAfter ? { notAfter } : {}) })),
      ),
  });

  return (rows, { notAfter }) => {
    const bytes = rows.reduce((sum, row) => sum + row.raw_ciphertext.length + row.summary_ciphertext.length, 0);
    return store({ rows, ...(notAfter ? { notAfter } : {}), bytes });
  };
}
