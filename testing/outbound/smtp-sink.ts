import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { loadTlsCredentials } from '../../server/tls';

/**
 * A receiving MTA on 127.0.0.1:0 for outbound tests and the benchmark: a real smtp-server that
 * offers STARTTLS with a self-signed certificate, records every message it reads, and answers
 * RCPT and the end of DATA as the test scripts it (a reply can also be held until the test
 * releases it, to kill a worker mid-transaction).
 */
export interface SinkMessage {
  envelopeFrom: string;
  recipients: string[];
  /** Empty when the sink was started with `record: false`. */
  raw: Buffer;
  /** Whether the session had upgraded with STARTTLS. */
  secure: boolean;
  /** The AUTH user name, when the sink asks for AUTH (a relay). */
  user: string | null;
  /** The reply the sink gave to the end of DATA; null while the test holds it. */
  reply: number | null;
  receivedAt: number;
}

export interface SinkReply {
  code: number;
  message: string;
}

export interface SinkScript {
  /** A non-2xx reply refuses this recipient at RCPT TO. */
  rcpt?: (address: string) => SinkReply | undefined;
  /** The reply to the end of DATA; may be a promise that the test settles later. Default 250. */
  data?: (message: SinkMessage) => SinkReply | undefined | Promise<SinkReply | undefined>;
}

export interface SmtpSink {
  port: number;
  messages: SinkMessage[];
  /** Messages for one recipient, in arrival order. */
  to(address: string): SinkMessage[];
  script: SinkScript;
  /** Resolves once `predicate` holds for the messages so far (checked on every arrival). */
  waitFor(predicate: (messages: SinkMessage[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

let tls: ReturnType<typeof loadTlsCredentials> | undefined;

const replyError = (reply: SinkReply) => Object.assign(new Error(reply.message), { responseCode: reply.code });

export async function startSmtpSink(
  script: SinkScript = {},
  // `credentials`: the STARTTLS certificate to present instead of the shared self-signed one.
  // `host`: the loopback address to listen on (any of 127.0.0.0/8), so sinks on the same port can coexist.
  // `closeTimeoutMs`: how long close() lets open connections (a sender's idle pool) linger; 30 s by default.
  options: {
    tls?: boolean;
    record?: boolean;
    auth?: { user: string; pass: string };
    port?: number;
    host?: string;
    closeTimeoutMs?: number;
    credentials?: { key: Buffer; cert: Buffer };
  } = {},
): Promise<SmtpSink> {
  const useTls = options.tls !== false;
  tls ??= loadTlsCredentials({ dataDir: mkdtempSync(path.join(os.tmpdir(), 'sealpost-sink-tls-')), hostname: 'mx.sink.test' });
  const credentials = useTls ? (options.credentials ?? (await tls)) : undefined;
  const messages: SinkMessage[] = [];
  const waiters = new Set<() => void>();
  const sink: SmtpSink = {
    port: 0,
    messages,
    script,
    to: (address) => messages.filter((m) => m.recipients.includes(address.toLowerCase())),
    waitFor(predicate, timeoutMs = 30_000) {
      if (predicate(messages)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!predicate(messages)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`the sink did not see the expected messages within ${timeoutMs} ms (got ${messages.length})`));
        }, timeoutMs);
        waiters.add(check);
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };

  const server = new SMTPServer({
    logger: false,
    disableReverseLookup: true,
    ...(options.closeTimeoutMs === undefined ? {} : { closeTimeout: options.closeTimeoutMs }),
    authOptional: !options.auth,
    disabledCommands: [...(options.auth ? [] : ['AUTH']), ...(useTls ? [] : ['STARTTLS'])],
    onAuth(auth, _session, callback) {
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass) return callback(null, { user: auth.username });
      callback(Object.assign(new Error('5.7.8 Authentication failed'), { responseCode: 535 }));
    },
    ...(credentials ? { key: credentials.key, cert: credentials.cert } : {}),
    size: 50 * 1024 * 1024,
    maxClients: 10_000,
    onRcptTo(address, _session, callback) {
      const reply = sink.script.rcpt?.(address.address.toLowerCase());
      if (reply && reply.code >= 300) return callback(replyError(reply));
      callback();
    },
    onData(stream, session: SMTPServerSession, callback) {
      // A sink that doesn't record (the benchmark) reads the message without keeping it.
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        if (options.record !== false) chunks.push(chunk);
      });
      stream.on('end', () => {
        const message: SinkMessage = {
          envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          recipients: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
          raw: Buffer.concat(chunks),
          secure: session.secure,
          user: typeof session.user === 'string' ? session.user : null,
          reply: null,
          receivedAt: Date.now(),
        };
        // Recorded on arrival, before the reply: a message whose reply never got out still arrived.
        if (options.record !== false) messages.push(message);
        const answer = sink.script.data?.(message);
        for (const waiter of [...waiters]) waiter();
        void Promise.resolve(answer).then((reply) => {
          message.reply = reply?.code ?? 250;
          for (const waiter of [...waiters]) waiter();
          if (reply && reply.code >= 300) callback(replyError(reply));
          else callback(null, reply?.message ?? 'OK: queued');
        });
      });
    },
  });
  // A port already taken rejects here (smtp-server would otherwise only emit it, and this would hang).
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', () => undefined);
  sink.port = (server.server.address() as AddressInfo).port;
  return sink;
}
