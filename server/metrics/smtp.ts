import 'server-only';
import { performance } from 'node:perf_hooks';
import type { SMTPServer } from 'smtp-server';
import type { Sealer } from '../mail/seal';
import { SECONDS_BUCKETS, counter, gauge, histogram } from './registry';

/** The smtp role's metrics. Plugins (smtp/) record their outcomes with `recordPluginOutcome`. */
const sessions = counter('sealpost_smtp_sessions_total', 'SMTP sessions opened.');
const replies = counter('sealpost_smtp_replies_total', 'SMTP replies sent, by code class (2xx, 3xx, 4xx, 5xx).', ['class']);
const accepted = counter('sealpost_smtp_messages_accepted_total', 'Messages stored and answered 250.');
const acceptedBytes = counter('sealpost_smtp_accepted_bytes_total', 'Bytes of the messages answered 250.');
const acceptLatency = histogram('sealpost_smtp_accept_duration_seconds', 'From DATA to the 250: receive, authenticate, encrypt, commit.', SECONDS_BUCKETS);
const sealLatency = histogram('sealpost_smtp_encrypt_duration_seconds', 'Encrypting one message to all its recipients.', SECONDS_BUCKETS, ['result']);
const pluginOutcomes = counter('sealpost_smtp_plugin_outcomes_total', 'Filter plugin verdicts and failures, by plugin and outcome.', ['plugin', 'outcome']);

export function recordSmtpSession(): void {
  sessions.inc();
}

export function recordSmtpReply(code: number): void {
  if (code >= 200 && code < 600) replies.inc({ class: `${Math.floor(code / 100)}xx` });
}

export function recordAccepted(bytes: number, seconds: number): void {
  accepted.inc();
  acceptedBytes.inc(bytes);
  acceptLatency.observe(seconds);
}

export function recordEncryption(seconds: number, result: 'sealed' | 'failed'): void {
  sealLatency.observe({ result }, seconds);
}

export function recordPluginOutcome(plugin: string, outcome: string): void {
  pluginOutcomes.inc({ plugin, outcome });
}

/** Open sessions, read from the server at scrape time. */
export function trackOpenSessions(count: () => number): void {
  gauge('sealpost_smtp_sessions_open', 'SMTP sessions open now.', [], function collect() {
    this.set(count());
  });
}

/**
 * Counts the server's sessions and every reply it sends by code class, including the ones
 * smtp-server writes by itself (syntax errors, 552 for a declared size, 421 on close): each new
 * connection's `send` is wrapped as the server adds it to its set of connections.
 */
export function instrumentSmtpServer(smtp: SMTPServer): void {
  const connections = smtp.connections;
  const add = connections.add.bind(connections);
  connections.add = (connection) => {
    recordSmtpSession();
    const send = connection.send.bind(connection) as (code: number, ...rest: unknown[]) => unknown;
    (connection as unknown as { send: typeof send }).send = (code, ...rest) => {
      recordSmtpReply(code);
      return send(code, ...rest);
    };
    return add(connection);
  };
  trackOpenSessions(() => connections.size);
}

/** The sealer, timed. */
export function timedSealer(seal: Sealer): Sealer {
  return async (input) => {
    const started = performance.now();
    const outcome = await seal(input);
    recordEncryption((performance.now() - started) / 1000, outcome.status === 'sealed' ? 'sealed' : 'failed');
    return outcome;
  };
}
