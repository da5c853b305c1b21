import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerError, type SMTPServerSession } from 'smtp-server';
import type { Db } from '../db/client';
import type { Clock } from '../server/clock';
import { AppError } from '../server/errors';
import type { Logger } from '../server/logger';
import { type ApiPrincipal, type PlatformQueue, SharedKeyRateLimiter, authenticateSubmission, submitMessage } from '../server/platform/submission.service';
import type { Settings } from '../server/settings';
import type { TlsCredentials } from '../server/tls';
import { collectMessage } from './data-collector';
import { smtpError, useOwnEnhancedCodes } from './replies';

/**
 * SMTP submission (SUBMISSION_PORT, 587) for the sending platform: a thin adapter over the same
 * service as POST /api/v1/messages. STARTTLS first, then AUTH PLAIN or LOGIN with an API key as
 * the password (the user name is not checked); MAIL FROM and the header From must be addresses of
 * the key's domain. 250 only once the message and its delivery job are committed.
 */
export interface SubmissionDeps {
  db: Db;
  clock: Clock;
  settings: Settings;
  queue: PlatformQueue;
  logger: Logger;
  tls: TlsCredentials;
  hostname: string;
  maxClients?: number;
  maxRecipients?: number;
}

const reply = (code: number, text: string): SMTPServerError => Object.assign(new Error(text), { responseCode: code });

function principalOf(session: SMTPServerSession): ApiPrincipal | undefined {
  return session.user as unknown as ApiPrincipal | undefined;
}

export function createSubmissionServer(deps: SubmissionDeps) {
  useOwnEnhancedCodes();
  const limiter = new SharedKeyRateLimiter(deps.db);
  const smtp = new SMTPServer({
    name: deps.hostname,
    banner: 'Sealpost submission',
    size: deps.settings.maxMessageBytes,
    hideENHANCEDSTATUSCODES: false,
    authMethods: ['PLAIN', 'LOGIN'],
    // AUTH before STARTTLS is answered by onAuth with 538 5.7.11, not hidden: clients learn why.
    allowInsecureAuth: true,
    key: deps.tls.key,
    cert: deps.tls.cert,
    maxClients: deps.maxClients ?? 200,
    socketTimeout: 60_000,
    disableReverseLookup: true,
    logger: false,

    onAuth(auth, session, callback) {
      if (!session.secure) return callback(reply(538, '5.7.11 Encryption required: use STARTTLS before AUTH'));
      if (auth.method !== 'PLAIN' && auth.method !== 'LOGIN') return callback(reply(504, '5.5.4 Use AUTH PLAIN or LOGIN'));
      authenticateSubmission(deps.db, deps.clock, auth.password ?? '').then(
        (result) => {
          if (!result.ok) return callback(reply(535, '5.7.8 Authentication credentials invalid'));
          callback(null, { user: result.principal as unknown as string });
        },
        (err: unknown) => {
          deps.logger.warn({ err: (err as Error).message }, 'submission AUTH failed');
          callback(smtpError('temporaryFailure'));
        },
      );
    },

    onMailFrom(address, session, callback) {
      const principal = principalOf(session);
      if (!principal) return callback(reply(530, '5.7.0 Authentication required'));
      const domain = address.address.slice(address.address.lastIndexOf('@') + 1).toLowerCase();
      if (domain !== principal.domain) return callback(reply(553, `5.7.1 Sender address must be of ${principal.domain}`));
      limiter.take(principal.keyId, principal.ratePerMinute).then(
        (wait) => callback(wait > 0 ? reply(450, `4.7.1 Rate limit for this key reached, try again in ${wait} s`) : undefined),
        (err: unknown) => {
          deps.logger.warn({ err: (err as Error).message }, 'submission rate limit check failed');
          callback(smtpError('temporaryFailure'));
        },
      );
    },

    onRcptTo(_address, session, callback) {
      if (session.envelope.rcptTo.length >= (deps.maxRecipients ?? 100)) return callback(reply(452, '4.5.3 Too many recipients'));
      callback();
    },

    onData(stream, session, callback) {
      const principal = principalOf(session)!;
      collectMessage(stream, { maxBytes: deps.settings.maxMessageBytes }).then(async (collected) => {
        if (collected.status === 'oversized') return callback(smtpError('tooLarge'));
        if (collected.status === 'header-too-large') return callback(smtpError('headerTooLarge'));
        if (collected.status === 'bare-line-ending') return callback(smtpError('bareLineEnding'));
        if (collected.status === 'aborted') return callback(smtpError('temporaryFailure'));
        try {
          const sent = await submitMessage(deps, principal, {
            envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            recipients: session.envelope.rcptTo.map((r) => r.address),
            raw: collected.raw,
          });
          callback(null, `2.0.0 Ok: queued as ${sent.id}`);
        } catch (err) {
          if (err instanceof AppError && (err.code === 'FORBIDDEN' || err.code === 'BAD_INPUT')) return callback(reply(550, `5.7.1 ${err.message}`));
          deps.logger.error({ err: (err as Error).message }, 'submission could not queue a message');
          callback(smtpError('temporaryFailure'));
        }
      });
    },
  });
  smtp.on('error', (err) => deps.logger.warn({ err: err.message }, 'submission server error'));

  return {
    listen(port: number, host = '0.0.0.0'): Promise<AddressInfo> {
      return new Promise((resolve, reject) => {
        smtp.server.once('error', reject);
        smtp.listen(port, host, () => resolve(smtp.server.address() as AddressInfo));
      });
    },
    close(): Promise<void> {
      return new Promise((resolve) => smtp.close(() => resolve()));
    },
  };
}

/**
 * The smtp role's submission listener on SUBMISSION_PORT. The MX matters more: when the port can't
 * be bound (587 needs privileges, or it is taken), the error names the setting and the role keeps
 * receiving mail without submission.
 */
export async function startSubmission(
  config: { SUBMISSION_PORT: number; SMTP_HOST: string },
  deps: SubmissionDeps,
): Promise<{ close(): Promise<void> } | undefined> {
  const server = createSubmissionServer(deps);
  try {
    const address = await server.listen(config.SUBMISSION_PORT, config.SMTP_HOST);
    deps.logger.info({ port: address.port }, 'submission listening (STARTTLS, then AUTH with an API key)');
    return server;
  } catch (err) {
    deps.logger.error(
      { err: (err as Error).message, setting: `SUBMISSION_PORT=${config.SUBMISSION_PORT}` },
      'SMTP submission is not listening: SUBMISSION_PORT could not be bound (a port below 1024 needs privileges); the MX runs without it',
    );
    await server.close().catch(() => undefined);
    return undefined;
  }
}
