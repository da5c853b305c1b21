import 'server-only';
import { Kysely, PostgresDialect, type PostgresPool } from 'kysely';
import pg from 'pg';
import { logger } from '../server/logger';
import { trackPool } from './pool-registry';
import type { Database } from './schema';

// bytea comes back as Buffer; expose it as a plain Uint8Array view like the rest of the code uses.
export type Db = Kysely<Database>;

/**
 * How long the application waits on PostgreSQL. A database that is gone or frozen must end as an
 * error the caller can answer (SMTP 451, HTTP 503), well inside a sending MTA's 30 s patience, never
 * as a hang.
 */
export interface DbTimeouts {
  /** Opening a connection (TCP, TLS, authentication); also the wait for a free pooled one. */
  connectMs: number;
  /** Server side: PostgreSQL cancels a statement that runs longer. */
  statementMs: number;
  /**
   * Client side: the reply to one query. A little longer than statementMs, so a live server
   * cancels its own statement first; this one fires when the server can't answer at all.
   */
  queryMs: number;
  /** Server side: a session that holds a transaction open and sends nothing is ended. */
  idleInTransactionMs: number;
}

export const DEFAULT_DB_TIMEOUTS: DbTimeouts = timeoutsFor(3_000, 10_000);

/** The timeouts derived from the two settings (DB_CONNECT_TIMEOUT_MS, DB_STATEMENT_TIMEOUT_MS). */
export function timeoutsFor(connectMs: number, statementMs: number): DbTimeouts {
  return { connectMs, statementMs, queryMs: statementMs + 2_000, idleInTransactionMs: statementMs };
}

/** The node-postgres settings for these timeouts, for every pool: ours and pg-boss's. */
export function poolTimeoutSettings(timeouts: DbTimeouts): pg.PoolConfig {
  return {
    connectionTimeoutMillis: timeouts.connectMs,
    statement_timeout: timeouts.statementMs,
    query_timeout: timeouts.queryMs,
    idle_in_transaction_session_timeout: timeouts.idleInTransactionMs,
    // A dead peer (a pulled cable, a frozen host) is noticed by the kernel, not only by a query.
    keepAlive: true,
  };
}

export interface CreateDbOptions {
  max?: number;
  /** Migrations may run long statements; everything else keeps the defaults. */
  timeouts?: DbTimeouts;
  /** Where a lost connection is reported (idle or checked out); it must not crash the process or go unseen. */
  onPoolError?: (err: Error) => void;
}

/** SQL text → the name it is prepared under (see namedStatement). */
const statementNames = new Map<string, string>();

/**
 * Marks `text` as a statement that every connection prepares once under `name` (node-postgres's
 * named statements): later calls send only the parameters, and PostgreSQL skips parsing and
 * planning. For the few statements run on nearly every request; the text must be fixed (a
 * constant with $1…$n), since each connection keeps what it prepared until it closes.
 */
export function namedStatement(name: string, text: string): string {
  const known = statementNames.get(text);
  if (known && known !== name) throw new Error(`statement already prepared as ${known}`);
  statementNames.set(text, name);
  return text;
}

export function createDb(connectionString: string, options: CreateDbOptions = {}): Db {
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10, ...poolTimeoutSettings(options.timeouts ?? DEFAULT_DB_TIMEOUTS) });
  const onPoolError =
    options.onPoolError ?? ((err: Error) => logger.warn({ err: err.message, errorCode: (err as { code?: string }).code }, 'database connection lost'));
  pool.on('error', onPoolError);
  trackPool(pool);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: guardedPool(pool, onPoolError) }) });
}

/**
 * Two things node-postgres leaves to the caller of a checked-out client:
 * - After a client-side query timeout it still waits for that query's reply on the same
 *   connection, so a client handed back to the pool would make its next user wait behind it (and
 *   a frozen server's backend may still act on what was sent). Such a client is discarded on
 *   release instead of returned.
 * - A connection that dies while checked out between two queries (a transaction waiting on the
 *   application when the server shuts down) emits 'error' with no listener, which crashes the
 *   process. It is reported, and the client discarded likewise.
 */
function guardedPool(pool: pg.Pool, onError: (err: Error) => void): PostgresPool {
  const timedOut = new WeakSet<pg.PoolClient>();
  return {
    async connect() {
      const client = await pool.connect();
      const query = client.query;
      const release = client.release;
      const onLost = (err: Error) => {
        timedOut.add(client);
        onError(err);
      };
      client.on('error', onLost);
      // Kysely calls query(text, values) and awaits the promise; cursors (non-promises) pass through.
      client.query = function (this: pg.PoolClient, ...args: unknown[]) {
        // Inside a transaction Kysely answers a failed query with ROLLBACK on the same connection,
        // which would wait behind the hung query for a second time-out: fail it at once instead.
        // Closing the connection on release ends the transaction on the server all the same.
        if (timedOut.has(client)) return Promise.reject(new Error('connection discarded after a query time-out or a lost connection'));
        const name = typeof args[0] === 'string' ? statementNames.get(args[0]) : undefined;
        const result = name
          ? (query as (config: pg.QueryConfig) => unknown).call(this, { name, text: args[0] as string, values: args[1] as unknown[] })
          : (query as (...a: unknown[]) => unknown).apply(this, args);
        if (result instanceof Promise) {
          result.catch((err: Error) => {
            if (err?.message === 'Query read timeout') timedOut.add(client);
          });
        }
        return result;
      } as typeof client.query;
      client.release = (err?: Error | boolean) => {
        client.off('error', onLost);
        const discard = timedOut.has(client);
        timedOut.delete(client);
        client.query = query;
        client.release = release;
        release.call(client, err ?? (discard ? new Error('connection discarded') : undefined));
      };
      return client;
    },
    end: () => pool.end(),
  };
}
