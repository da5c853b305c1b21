import 'server-only';
import { CompiledQuery } from 'kysely';
import type { Db } from './client';
import { senderLimitKey } from './repositories/send-limit.repository';

/**
 * pg-boss runs its SQL through whatever executor it is given. These run it on one of our
 * connections or transactions, so a job commits (or rolls back) with the rows it is about.
 */
type Executor = Db;

/** pg-boss's `db` option: lets a job be inserted inside one of our transactions. */
export interface SqlExecutor {
  executeSql(text: string, values: unknown[]): Promise<{ rows: unknown[] }>;
}

export function sqlExecutor(db: Executor): SqlExecutor {
  return {
    async executeSql(text, values) {
      const result = await db.executeQuery(CompiledQuery.raw(text, values));
      return { rows: result.rows as unknown[] };
    },
  };
}

// pg-boss's job insert: `INSERT ... RETURNING id`, which can stand as a CTE.
const INSERT_RETURNING = /^\s*INSERT\s+INTO\b[\s\S]*\bRETURNING\b[\s\S]*$/i;

/**
 * sqlExecutor for a send's job that also takes the sender's limit lock (see lockSenderLimits) in
 * the statement that inserts the job: one round trip instead of two, on every send. `locked` says
 * whether it did; when the queue ran no insert through it, the caller takes the lock itself.
 */
export function sqlExecutorLockingSender(db: Executor, userId: string): SqlExecutor & { readonly locked: boolean } {
  let locked = false;
  const plain = sqlExecutor(db);
  return {
    get locked() {
      return locked;
    },
    async executeSql(text, values) {
      if (locked || !INSERT_RETURNING.test(text)) return plain.executeSql(text, values);
      // Taken once per row inserted (a transaction's advisory locks are reentrant): none, no lock.
      const { rows } = await db.executeQuery<Record<string, unknown>>(
        CompiledQuery.raw(`WITH job AS (${text}) SELECT job.*, pg_advisory_xact_lock(hashtext($${values.length + 1})) AS sender_locked FROM job`, [
          ...values,
          senderLimitKey(userId),
        ]),
      );
      locked = rows.length > 0;
      return { rows: rows.map(({ sender_locked: _, ...job }) => job) };
    },
  };
}
