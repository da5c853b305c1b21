import 'server-only';
import { SECONDS_BUCKETS, counter, gauge, histogram } from './registry';

/** The web role's metrics. */
const procedureDuration = histogram('sealpost_web_trpc_duration_seconds', 'tRPC procedure duration, by procedure and result.', SECONDS_BUCKETS, [
  'procedure',
  'result',
]);
const sseClients = gauge('sealpost_web_sse_clients', 'Live mailbox (SSE) connections open now.');
const httpRequests = counter('sealpost_web_http_requests_total', 'HTTP requests answered by the web role, by status class.', ['class']);

export function recordProcedure(procedure: string, ok: boolean, seconds: number): void {
  procedureDuration.observe({ procedure, result: ok ? 'ok' : 'error' }, seconds);
}

/** Counts an SSE client until `signal` aborts (the client went away). */
export function trackSseClient(signal: AbortSignal): void {
  sseClients.inc();
  signal.addEventListener('abort', () => sseClients.dec(), { once: true });
}

export function recordHttpResponse(status: number): void {
  httpRequests.inc({ class: `${Math.floor(status / 100)}xx` });
}
