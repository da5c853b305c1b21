import 'server-only';
import pg from 'pg';
import { EnvError, env } from '../env';
import { logger } from '../logger';

/**
 * One LISTEN connection per web process for the `new_mail` channel, fanned out in memory to the
 * live mailbox streams of each user. The payload is a user id and nothing else.
 *
 * After the connection drops, it reconnects with backoff and then wakes every subscriber with a
 * `resync`, because notifications sent while it was away are lost for good.
 */
export type NewMailEvent = 'new-mail' | 'resync';
export type NewMailHandler = (event: NewMailEvent) => void;

export interface ListenerClient {
  connect(): Promise<unknown>;
  query(sql: string): Promise<unknown>;
  end(): Promise<void>;
  on(event: 'notification', fn: (msg: { channel: string; payload?: string }) => void): unknown;
  on(event: 'error' | 'end', fn: (err?: Error) => void): unknown;
}

const CHANNEL = 'new_mail';
const MIN_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;

export class NewMailListener {
  private readonly subscribers = new Map<string, Set<NewMailHandler>>();
  private client: ListenerClient | null = null;
  private connecting: Promise<void> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;
  private closed = false;

  constructor(private readonly createClient: () => ListenerClient) {}

  /** Calls `handler` for each new message of `userId` until the returned function is called. */
  subscribe(userId: string, handler: NewMailHandler): () => void {
    let set = this.subscribers.get(userId);
    if (!set) this.subscribers.set(userId, (set = new Set()));
    set.add(handler);
    void this.ensureConnected();
    return () => {
      const current = this.subscribers.get(userId);
      current?.delete(handler);
      if (current?.size === 0) this.subscribers.delete(userId);
    };
  }

  /** Resolves once the LISTEN is in place (or immediately when it already is). */
  ready(): Promise<void> {
    return this.ensureConnected();
  }

  subscriberCount(): number {
    let n = 0;
    for (const set of this.subscribers.values()) n += set.size;
    return n;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(logEndError);
  }

  private ensureConnected(): Promise<void> {
    if (this.closed || this.client) return Promise.resolve();
    this.connecting ??= this.connect().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async connect(): Promise<void> {
    let client: ListenerClient;
    try {
      client = this.createClient();
    } catch (err) {
      logger.error({ err: err instanceof Error ? err.message : String(err) }, 'new-mail listener cannot start');
      this.scheduleReconnect();
      return;
    }
    let dropped = false;
    const drop = (err?: Error) => {
      if (dropped) return;
      dropped = true;
      if (this.client === client) this.client = null;
      void client.end().catch(logEndError);
      if (!this.closed) {
        logger.warn({ err: err?.message }, 'new-mail listener lost its connection; reconnecting');
        this.scheduleReconnect();
      }
    };
    client.on('error', drop);
    client.on('end', () => drop());
    client.on('notification', (msg) => {
      if (msg.channel === CHANNEL && msg.payload) this.dispatch(msg.payload, 'new-mail');
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (err) {
      drop(err instanceof Error ? err : undefined);
      return;
    }
    if (dropped || this.closed) {
      await client.end().catch(logEndError);
      return;
    }
    this.client = client;
    const wasReconnect = this.failures > 0;
    this.failures = 0;
    if (wasReconnect) for (const userId of this.subscribers.keys()) this.dispatch(userId, 'resync');
  }

  private scheduleReconnect() {
    if (this.retryTimer) return;
    const delay = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** this.failures);
    this.failures++;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.ensureConnected();
    }, delay);
    this.retryTimer.unref?.();
  }

  private dispatch(userId: string, event: NewMailEvent) {
    for (const handler of this.subscribers.get(userId) ?? []) {
      try {
        handler(event);
      } catch (err) {
        logger.error({ err: err instanceof Error ? err.message : String(err) }, 'new-mail subscriber failed');
      }
    }
  }
}

/** Closing a connection that is already broken may fail too: worth a line, nothing more. */
function logEndError(err: Error): void {
  logger.warn({ err: err.message, errorCode: (err as { code?: string }).code }, 'new-mail listener connection did not close cleanly');
}

let shared: NewMailListener | undefined;

/** The listener of this process, on DATABASE_URL. */
export function newMailListener(): NewMailListener {
  shared ??= new NewMailListener(() => {
    const url = env().DATABASE_URL;
    if (!url) throw new EnvError('DATABASE_URL is not set');
    return new pg.Client({ connectionString: url, keepAlive: true });
  });
  return shared;
}
