import nodemailer from 'nodemailer';
import type { SMTPPoolOptions } from 'nodemailer/lib/smtp-pool';

/**
 * SMTP client side of outbound delivery: one nodemailer pool per destination (MX address and
 * port, or the relay), so messages to the same place reuse connections. STARTTLS is used whenever
 * the server offers it, without requiring a valid certificate (most MX hosts have none that
 * matches; RFC 7435 opportunistic security), and a failed upgrade falls back to plaintext.
 */
export interface SmtpTarget {
  /** IP address (MX hosts are resolved through the injected resolver) or the relay's host name. */
  host: string;
  port: number;
  /** TLS SNI name: the MX host name. */
  servername?: string;
  /**
   * STARTTLS required, with a certificate valid for `servername` (an MTA-STS `enforce` policy):
   * without it the message is not sent, and the failure is one to retry.
   */
  requireValidTls?: boolean;
}

export interface RecipientReply {
  address: string;
  outcome: 'delivered' | 'deferred' | 'failed';
  reply: string;
}

export interface TransactionResult {
  replies: RecipientReply[];
  /**
   * True when the failure happened before the transaction began (refused, unreachable, no
   * greeting, TLS handshake), so the next MX host may be tried at once without risking a copy.
   */
  tryNextHost: boolean;
}

export interface SmtpPoolsOptions {
  /** EHLO name: MAIL_HOSTNAME or MAIL_DOMAIN. */
  heloName: string;
  /** SMTP_RELAY_URL: every message goes there instead of to MX hosts. */
  relayUrl?: string;
  maxConnectionsPerHost?: number;
  /** Close pools unused for this long. */
  idlePoolMs?: number;
  /** Extra CA certificates for verified TLS (tests); the system's are always trusted. */
  tlsCa?: string | Buffer;
}

interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
  syscall?: string;
  recipient?: string;
  rejectedErrors?: SmtpError[];
}

/**
 * Connections open at once to one MX address; half of Postfix's default per-destination
 * concurrency (20). Even with PIPELINING each transaction waits for two replies, so with five a
 * busy worker's mail to one large provider moved at five messages per two round trips.
 */
const MAX_CONNECTIONS_PER_HOST = 10;

const TIMEOUTS = { connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 5 * 60_000, dnsTimeout: 10_000 };
const BEFORE_TRANSACTION = /connection timeout|greeting never received|invalid greeting/i;

/** One line, bounded: replies are stored and shown to the sender. */
const clean = (reply: string | undefined, fallback: string) => (reply ?? fallback).replace(/\s+/g, ' ').trim().slice(0, 500) || fallback;

function outcomeOf(code: number | undefined): RecipientReply['outcome'] {
  return code !== undefined && code >= 500 ? 'failed' : 'deferred';
}

export class SmtpPools {
  private readonly pools = new Map<string, { transport: ReturnType<typeof nodemailer.createTransport>; lastUsed: number }>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly options: SmtpPoolsOptions) {
    const idle = options.idlePoolMs ?? 10 * 60_000;
    this.timer = setInterval(() => this.closeIdle(idle), Math.min(idle, 60_000));
    this.timer.unref();
  }

  get usesRelay(): boolean {
    return Boolean(this.options.relayUrl);
  }

  private transportFor(target: SmtpTarget | 'relay') {
    const key = target === 'relay' ? 'relay' : `${target.host}|${target.port}|${target.servername ?? ''}|${target.requireValidTls ? 'verified' : ''}`;
    let entry = this.pools.get(key);
    if (!entry) {
      const common: SMTPPoolOptions = {
        pool: true,
        name: this.options.heloName,
        maxConnections: this.options.maxConnectionsPerHost ?? MAX_CONNECTIONS_PER_HOST,
        maxMessages: 100,
        // The pool re-sends a message only when a reused connection was closed before a byte of
        // it went out (a server that timed out the idle connection): safe, and better than
        // waiting five minutes. A connection lost mid-message fails it, and the queue decides.
        maxRequeues: 2,
        // Shorter than most servers' idle timeout, so a reused connection is rarely a dead one.
        idleTimeout: 30_000,
        opportunisticTLS: true,
        tls: { rejectUnauthorized: false },
        ...TIMEOUTS,
      };
      const transport =
        target === 'relay'
          ? nodemailer.createTransport({ ...common, url: this.options.relayUrl, pool: true })
          : target.requireValidTls
            ? nodemailer.createTransport({
                ...common,
                host: target.host,
                port: target.port,
                secure: false,
                opportunisticTLS: false,
                requireTLS: true,
                tls: { rejectUnauthorized: true, servername: target.servername, ...(this.options.tlsCa ? { ca: this.options.tlsCa } : {}) },
                pool: true,
              })
            : nodemailer.createTransport({ ...common, host: target.host, port: target.port, secure: false, servername: target.servername, pool: true });
      entry = { transport, lastUsed: Date.now() };
      this.pools.set(key, entry);
    }
    entry.lastUsed = Date.now();
    return entry.transport;
  }

  /** One SMTP transaction: MAIL FROM, a RCPT TO per recipient, DATA. Never throws. */
  async send(target: SmtpTarget | 'relay', envelope: { from: string; to: string[] }, raw: Buffer): Promise<TransactionResult> {
    try {
      const info = await this.transportFor(target).sendMail({ envelope, raw });
      const rejected = new Map(((info as { rejectedErrors?: SmtpError[] }).rejectedErrors ?? []).map((e) => [e.recipient?.toLowerCase(), e]));
      return {
        tryNextHost: false,
        replies: envelope.to.map((address) => {
          const error = rejected.get(address.toLowerCase());
          if (error) return { address, outcome: outcomeOf(error.responseCode), reply: clean(error.response, error.message) };
          return { address, outcome: 'delivered', reply: clean(info.response, '250 OK') };
        }),
      };
    } catch (caught) {
      return classifyFailure(caught as SmtpError, envelope.to);
    }
  }

  private closeIdle(idleMs: number) {
    const now = Date.now();
    for (const [key, entry] of this.pools) {
      if (now - entry.lastUsed < idleMs) continue;
      entry.transport.close();
      this.pools.delete(key);
    }
  }

  close(): void {
    clearInterval(this.timer);
    for (const entry of this.pools.values()) entry.transport.close();
    this.pools.clear();
  }
}

function classifyFailure(err: SmtpError, recipients: string[]): TransactionResult {
  const perRecipient = new Map((err.rejectedErrors ?? []).map((e) => [e.recipient?.toLowerCase(), e]));
  const generic = err.responseCode ? clean(err.response, err.message) : `4.4.1 ${clean(err.message, 'connection failed')} (${err.code ?? 'ERROR'})`;
  const tryNextHost =
    err.responseCode === undefined &&
    (err.syscall === 'connect' ||
      err.code === 'ETLS' ||
      err.code === 'EDNS' ||
      BEFORE_TRANSACTION.test(err.message) ||
      ['EHLO', 'HELO', 'STARTTLS'].includes(err.command ?? ''));
  return {
    tryNextHost: tryNextHost || (err.code === 'EPROTOCOL' && err.command === 'CONN'),
    replies: recipients.map((address) => {
      const own = perRecipient.get(address.toLowerCase());
      if (own) return { address, outcome: outcomeOf(own.responseCode), reply: clean(own.response, own.message) };
      return { address, outcome: outcomeOf(err.responseCode), reply: generic };
    }),
  };
}
