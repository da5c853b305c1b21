import type { NewMailHandler } from './new-mail-listener';

/**
 * The body of a user's live mailbox stream (text/event-stream). Events carry no message data,
 * only "look again": the client refetches through the authenticated API.
 *
 * The stream ends itself after `maxLifetimeMs`; EventSource reconnects on its own, and that new
 * request is authenticated again, so a revoked session stops receiving events within that time.
 */
export interface MailEventStreamOptions {
  userId: string;
  subscribe: (userId: string, handler: NewMailHandler) => () => void;
  signal: AbortSignal;
  heartbeatMs?: number;
  maxLifetimeMs?: number;
  /** Milliseconds EventSource waits before it reconnects. */
  retryMs?: number;
}

export const HEARTBEAT_MS = 25_000;
export const MAX_LIFETIME_MS = 5 * 60_000;

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-store, no-transform',
  connection: 'keep-alive',
  // Proxies such as nginx buffer responses unless told not to, which would hold events back.
  'x-accel-buffering': 'no',
} as const;

export function createMailEventStream(options: MailEventStreamOptions): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let open = true;
  let release: () => void = () => undefined;
  const stop = () => {
    if (!open) return false;
    open = false;
    release();
    return true;
  };

  return new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (text: string) => {
        if (open) controller.enqueue(encoder.encode(text));
      };
      const end = () => {
        if (stop()) controller.close();
      };
      const unsubscribe = options.subscribe(options.userId, (event) => send(`event: ${event}\ndata: {}\n\n`));
      const heartbeat = setInterval(() => send(': heartbeat\n\n'), options.heartbeatMs ?? HEARTBEAT_MS);
      const lifetime = setTimeout(end, options.maxLifetimeMs ?? MAX_LIFETIME_MS);
      release = () => {
        unsubscribe();
        clearInterval(heartbeat);
        clearTimeout(lifetime);
        options.signal.removeEventListener('abort', end);
      };
      options.signal.addEventListener('abort', end);
      if (options.signal.aborted) return end();
      send(`retry: ${options.retryMs ?? 3000}\n: connected\n\n`);
    },
    // The reader went away (the browser closed the connection): the stream is already done.
    cancel() {
      stop();
    },
  });
}
