import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { SMTPServer, type SMTPServerAddress, type SMTPServerDataStream, type SMTPServerError, type SMTPServerSession } from 'smtp-server';
import type { Db } from '../db/client';
import type { Clock } from '../server/clock';
import { AppError } from '../server/errors';
import { recordAccepted, timedSealer } from '../server/metrics/smtp';
import type { DnsResolver } from '../server/mail/dns';
import { createGroupCommit } from '../server/mail/group-commit.service';
import { deliverInbound, type ScreenInput } from '../server/mail/inbound.service';
import { linearHeaderParser } from '../server/mail/mailauth-headers';
import { createMailboxLookup } from '../server/mail/mailbox-lookup.service';
import { createMailboxUsage } from '../server/mail/mailbox-usage.service';
import { type InboundRoute, resolveInboundRecipient } from '../server/mail/routing';
import { ConnectionGuard } from './connection-guard';
import { collectMessage } from './data-collector';
import type { HookOutcome, PluginRunner } from './plugins/runner';
import { createSealPool } from './seal-pool';
import { REPLY, type ReplyName, queuedReply, replyError, smtpError, useOwnEnhancedCodes } from './replies';

/**
 * The inbound MX: a thin protocol adapter. Routing, authentication, encryption and storage are
 * the services in server/mail/; this file maps their results to SMTP replies. It logs session ids,
 * message ids, sizes and reply codes, never addresses or content.
 */
export interface InboundConfig {
  mailDomain: string;
  /** Name in the greeting and EHLO reply. */
  hostname: string;
  maxMessageBytes: number;
  maxRecipients: number;
  maxClients: number;
  maxClientsPerIp: number;
  sessionTimeoutMs: number;
  /** How long close() lets transactions in flight finish before cutting them off. */
  closeTimeoutMs?: number;
  /** STARTTLS certificate; without one STARTTLS is not offered. */
  tls?: { key: Buffer; cert: Buffer };
  /**
   * The longest a RCPT lookup or the reply to a message may take before the answer is 451 4.3.0
   * (a frozen or overloaded database, a hung thread). Well under the 30 s that clients commonly wait.
   */
  replyTimeoutMs?: number;
  /** Worker threads that seal (parse and encrypt) large messages; 0 seals everything inline. */
  sealThreads?: number;
  /** Messages up to this size are sealed on the main thread. */
  sealInlineMaxBytes?: number;
  /** The default storage quota per mailbox (QUOTA_MB); absent or 0 = none unless a user has their own. */
  quotaBytes?: number;
}

export interface InboundServerDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  config: InboundConfig;
  resolver: DnsResolver;
  /** Inbound filter plugins (smtp/plugins); none when absent. */
  plugins?: PluginRunner;
}

export interface InboundServer {
  readonly smtp: SMTPServer;
  listen(port: number, host: string): Promise<AddressInfo>;
  /** Messages sealed in a worker thread so far. */
  readonly offThreadSeals: number;
  /** Stops accepting, lets transactions in flight finish and answer, closes the rest with 421. */
  close(): Promise<void>;
}

type LocalRoute = Extract<InboundRoute, { status: 'local' }>;

const IDLE_TIMEOUT_MS = 60_000;
export const DEFAULT_REPLY_TIMEOUT_MS = 10_000;
const DEFAULT_SEAL_INLINE_MAX_BYTES = 64 * 1024;

export function createInboundServer(deps: InboundServerDeps): InboundServer {
  useOwnEnhancedCodes();
  const { config, logger } = deps;
  const replyTimeoutMs = config.replyTimeoutMs ?? DEFAULT_REPLY_TIMEOUT_MS;
  // RCPT results of the current transaction, per session: lower-cased address -> its local route
  // (user ids, and their keys and filter rules as read at RCPT).
  const routes = new Map<string, Map<string, LocalRoute>>();
  const sealPool = createSealPool({
    threads: config.sealThreads ?? 2,
    inlineMaxBytes: config.sealInlineMaxBytes ?? DEFAULT_SEAL_INLINE_MAX_BYTES,
  });
  // Concurrent sessions' messages share commits (one fsync for many) instead of one each.
  const groupCommit = createGroupCommit(deps.db);
  const usage = createMailboxUsage();
  // Concurrent RCPTs share lookups the same way.
  const mailboxes = createMailboxLookup(deps.db, { defaultQuotaBytes: config.quotaBytes ?? 0 });
  if (!linearHeaderParser.installed) {
    logger.warn('mailauth was loaded before its header parser could be replaced: header parsing stays quadratic in folded lines');
  }

  /** Answers out of turn and closes: a 421, or a 5xx the client must get before it finishes sending. */
  const closeWith = (sessionId: string, name: ReplyName) => {
    for (const connection of smtp.connections) {
      if (connection.id !== sessionId) continue;
      const [code, text] = REPLY[name];
      connection.send(code, text);
      // A 421 closes by itself; close() stops parsing what still arrives and bounds the wait for the client.
      connection.close();
      return;
    }
  };

  const guard = new ConnectionGuard({
    maxPerIp: config.maxClientsPerIp,
    sessionTimeoutMs: config.sessionTimeoutMs,
    closeConnection: (sessionId, reason) => {
      const name = reason === 'deadline' ? 'sessionDeadline' : 'shuttingDown';
      logger.info({ sessionId, code: REPLY[name][0], reason }, 'closing smtp session');
      closeWith(sessionId, name);
    },
  });

  const plugins = deps.plugins && deps.plugins.plugins.length > 0 ? deps.plugins : undefined;
  const envelopeOf = (session: SMTPServerSession, mailFrom?: string) => ({
    sessionId: session.id,
    ip: session.remoteAddress,
    helo: session.hostNameAppearsAs || '',
    mailFrom: mailFrom ?? (session.envelope.mailFrom ? session.envelope.mailFrom.address : ''),
  });
  /** The reply a plugin's refusal gets, or null to go on. */
  const refusedBy = (sessionId: string, hook: string, outcome: HookOutcome): SMTPServerError | null => {
    if (outcome.kind === 'continue') return null;
    logger.info({ sessionId, hook, plugin: outcome.plugin, code: outcome.code }, 'refused by a filter');
    return replyError(outcome.code, outcome.text);
  };

  const smtp: SMTPServer = new SMTPServer({
    name: config.hostname,
    banner: 'Sealpost',
    size: config.maxMessageBytes,
    rejectOversized: true,
    hideENHANCEDSTATUSCODES: false,
    // An MX takes mail from anyone for its own users: no AUTH here (submission is another port).
    authOptional: true,
    disabledCommands: config.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    ...(config.tls ? { key: config.tls.key, cert: config.tls.cert } : {}),
    maxClients: config.maxClients,
    maxRecipients: config.maxRecipients,
    socketTimeout: Math.min(IDLE_TIMEOUT_MS, config.sessionTimeoutMs),
    closeTimeout: config.closeTimeoutMs ?? 30_000,
    // Reverse DNS adds a lookup per connection and only decorates a Received header we don't write.
    disableReverseLookup: true,
    // smtp-server's own log prints envelope addresses; ours prints ids and codes only.
    logger: false,

    onConnect(session, callback) {
      const refusal = guard.admit(session.id, session.remoteAddress);
      if (refusal === 'too-many-from-ip') {
        logger.info({ sessionId: session.id, ip: session.remoteAddress, code: 421 }, 'too many connections from one address');
        return callback(smtpError('tooManyFromIp'));
      }
      if (refusal === 'shutting-down') return callback(smtpError('shuttingDown'));
      if (!plugins) return callback();
      plugins.connect({ sessionId: session.id, ip: session.remoteAddress, helo: '' }).then(
        (outcome) => callback(refusedBy(session.id, 'connect', outcome)),
        () => callback(smtpError('temporaryFailure')),
      );
    },

    onClose(session) {
      guard.release(session.id);
      routes.delete(session.id);
    },

    onMailFrom(address, session, callback) {
      routes.set(session.id, new Map());
      if (!plugins) return callback();
      plugins.mailFrom(envelopeOf(session, address.address)).then(
        (outcome) => callback(refusedBy(session.id, 'mailFrom', outcome)),
        () => callback(smtpError('temporaryFailure')),
      );
    },

    onRcptTo(address: SMTPServerAddress, session: SMTPServerSession, callback) {
      withTimeout(resolveInboundRecipient(deps.db, address.address, { mailDomain: config.mailDomain, mailboxes, usage }), replyTimeoutMs).then(
        (route) => {
          switch (route.status) {
            case 'local': {
              const accept = () => {
                let transaction = routes.get(session.id);
                if (!transaction) routes.set(session.id, (transaction = new Map()));
                transaction.set(address.address.toLowerCase(), route);
                callback();
              };
              if (!plugins) return accept();
              return void plugins.rcptTo(envelopeOf(session), address.address).then(
                (outcome) => {
                  const refused = refusedBy(session.id, 'rcptTo', outcome);
                  return refused ? callback(refused) : accept();
                },
                () => callback(smtpError('temporaryFailure')),
              );
            }
            case 'no-postmaster':
              logger.warn({ sessionId: session.id, code: 451 }, 'mail for postmaster, but the instance has no admin');
              return callback(smtpError('temporaryFailure'));
            case 'unknown-mailbox':
              return callback(smtpError('unknownMailbox'));
            case 'not-hosted':
              return callback(smtpError('notHosted'));
            case 'bad-syntax':
              return callback(smtpError('badRecipientSyntax'));
            case 'disabled':
              return callback(smtpError('mailboxDisabled'));
            case 'over-quota':
              return callback(smtpError('mailboxFull'));
          }
        },
        (err: unknown) => {
          logger.error(
            { sessionId: session.id, stage: 'routing', errorCode: errorCode(err), errorName: (err as Error)?.name, code: 451 },
            'recipient lookup failed',
          );
          callback(smtpError('temporaryFailure'));
        },
      );
    },

    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      guard.setPhase(session.id, 'receiving');
      const started = performance.now();
      const giveUp = new AbortController();
      let deadline: NodeJS.Timeout | undefined;
      let replied = false;
      const reply = (err: Error | null, message?: string) => {
        if (replied) return;
        replied = true;
        clearTimeout(deadline);
        callback(err, message);
        guard.transactionDone(session.id);
      };
      collectMessage(stream, { maxBytes: config.maxMessageBytes })
        .then(async (collected) => {
          guard.setPhase(session.id, 'processing');
          if (collected.status === 'oversized') {
            // Past the limit with no SIZE declared (a declared one was refused at MAIL FROM): answer
            // now and close rather than read the rest of an upload that will be refused anyway.
            logger.info({ sessionId: session.id, code: REPLY.tooLarge[0], bytes: collected.bytes }, 'message refused');
            closeWith(session.id, 'tooLarge');
            return;
          }
          if (collected.status === 'bare-line-ending') return refuse(session, 'bareLineEnding');
          if (collected.status === 'header-too-large') {
            return refuse(session, 'headerTooLarge', { headerBytes: collected.headerBytes, headerLines: collected.headerLines });
          }
          if (collected.status === 'aborted') return refuse(session, 'temporaryFailure', { aborted: true });

          // From the final dot on, the reply is owed within replyTimeoutMs, whatever hangs.
          const at = performance.now() + replyTimeoutMs;
          deadline = setTimeout(() => {
            giveUp.abort();
            logger.error({ sessionId: session.id, stage: 'deadline', ms: Math.round(performance.now() - started), code: 451 }, 'message not stored');
            reply(smtpError('temporaryFailure'));
          }, replyTimeoutMs);

          const transaction = routes.get(session.id) ?? new Map<string, LocalRoute>();
          const found = session.envelope.rcptTo.map((rcpt) => transaction.get(rcpt.address.toLowerCase()));
          if (found.some((route) => route === undefined)) throw new Error('recipient without a route');
          const localRoutes = found as LocalRoute[];
          const recipients = localRoutes.flatMap((route) => route.userIds);

          const result = await deliverInbound(
            {
              db: deps.db,
              clock: deps.clock,
              resolver: deps.resolver,
              authservId: config.mailDomain,
              seal: timedSealer(sealPool.seal),
              store: groupCommit,
              ...(plugins
                ? {
                    screen: (input: ScreenInput) =>
                      plugins.data({
                        ...envelopeOf(session),
                        rcptTo: session.envelope.rcptTo.map((rcpt) => rcpt.address),
                        ...input,
                      }),
                  }
                : {}),
            },
            {
              raw: collected.raw,
              envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              recipients,
              client: { ip: session.remoteAddress, helo: session.hostNameAppearsAs || '' },
              // Any RCPT's clock will do: each was read before its answer arrived.
              mailboxes: { rows: localRoutes.flatMap((route) => route.mailboxes), clock: localRoutes[0]!.clock },
            },
            { at, signal: giveUp.signal },
          );
          if (replied) return; // the deadline answered 451; deliverInbound stored nothing
          if (result.status === 'refused') {
            logger.info({ sessionId: session.id, code: result.code, ms: Math.round(performance.now() - started) }, 'message refused by a filter');
            return reply(replyError(result.code, result.text));
          }
          logger.info(
            {
              sessionId: session.id,
              queueId: result.queueId,
              messageIds: result.messageIds,
              bytes: collected.raw.length,
              ms: Math.round(performance.now() - started),
              code: 250,
            },
            'message stored',
          );
          recordAccepted(collected.raw.length, (performance.now() - started) / 1000);
          for (const userId of new Set(recipients)) usage.stored(userId, collected.raw.length);
          reply(null, queuedReply(result.queueId));
        })
        .catch((err: unknown) => {
          const details = err instanceof AppError ? err.details : { errorCode: errorCode(err), errorName: (err as Error)?.name };
          if (replied) {
            // The deadline answered 451 already; this is how the abandoned delivery ended. Copies
            // that committed late and could not be withdrawn will be stored twice: say so loudly.
            const duplicate = details?.committedLate === true && details.withdrawn !== true;
            logger[duplicate ? 'warn' : 'info']({ sessionId: session.id, ...details }, 'abandoned delivery ended');
            return;
          }
          logger.error({ sessionId: session.id, ...details, code: 451 }, 'message not stored');
          reply(smtpError('temporaryFailure'));
        });

      function refuse(s: SMTPServerSession, name: 'headerTooLarge' | 'bareLineEnding' | 'temporaryFailure', extra: object = {}) {
        logger.info({ sessionId: s.id, code: REPLY[name][0], ...extra }, 'message refused');
        reply(smtpError(name));
      }
    },
  });

  smtp.on('error', (err: Error & { code?: string }) => {
    // Client resets and TLS handshake failures land here; they are the client's business.
    logger.debug({ errorCode: err.code ?? err.name }, 'smtp connection error');
  });

  let closing: Promise<void> | undefined;
  return {
    smtp,
    get offThreadSeals() {
      return sealPool.offThreadJobs;
    },
    listen(port, host) {
      return new Promise((resolve, reject) => {
        const server = smtp.listen(port, host);
        server.once('error', reject);
        server.once('listening', () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        smtp.close(() => resolve());
        guard.drain();
      }).then(() => sealPool.close());
      return closing;
    },
  };
}

/** The lookup's own result, or a rejection once `ms` have passed: a frozen database must not hang RCPT. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}
