import type { SMTPServerError } from 'smtp-server';
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
import { HEADER_LIMITS } from './data-collector';

/**
 * Every reply text the sidecar writes, with its enhanced status code (RFC 3463) in front. Texts are
 * generic on purpose: nothing from the database, the key or the message reaches the client.
 */
export const REPLY = {
  unknownMailbox: [550, '5.1.1 No such mailbox here'],
  notHosted: [550, '5.7.1 Relaying denied: this server only accepts mail for the domains it hosts'],
  badRecipientSyntax: [501, '5.1.3 Bad recipient address syntax'],
  mailboxDisabled: [550, '5.2.1 Mailbox disabled, not accepting messages'],
  mailboxFull: [452, '4.2.2 Mailbox full, try again later'],
  tooLarge: [552, '5.3.4 Message exceeds the fixed maximum message size'],
  headerTooLarge: [552, `5.3.4 Message header section too large: at most ${HEADER_LIMITS.maxBytes} bytes and ${HEADER_LIMITS.maxLines} lines`],
  bareLineEnding: [550, '5.6.11 Bare CR or LF in message data: lines must end with CRLF'],
  temporaryFailure: [451, '4.3.0 Temporary local problem, please try again later'],
  tooManyFromIp: [421, '4.7.0 Too many connections from your address, try again later'],
  sessionDeadline: [421, '4.4.2 Session time limit reached, closing connection'],
  shuttingDown: [421, '4.3.2 Server shutting down, try again later'],
} as const satisfies Record<string, readonly [number, string]>;

export type ReplyName = keyof typeof REPLY;

export function smtpError(name: ReplyName): SMTPServerError {
  const [responseCode, text] = REPLY[name];
  const err: SMTPServerError = new Error(text);
  err.responseCode = responseCode;
  return err;
}

/** A reply a filter chose: its code and text (which starts with its own enhanced code). */
export function replyError(code: number, text: string): SMTPServerError {
  const err: SMTPServerError = new Error(text);
  err.responseCode = code;
  return err;
}

export const queuedReply = (queueId: string) => `2.0.0 Ok: queued as ${queueId}`;

const OWN_ENHANCED_CODE = /^[245]\.\d{1,3}\.\d{1,3} /;
let installed = false;

/**
 * smtp-server adds an enhanced status code to a handler's error reply from a fixed table keyed by
 * the reply code alone (550 is always 5.1.1), so "550 5.7.1" can't be expressed. With this, a reply
 * text that starts with its own enhanced code is sent as is; every other reply keeps the library's
 * code. Idempotent, and a no-op for texts without a leading code.
 */
export function useOwnEnhancedCodes(): void {
  if (installed) return;
  installed = true;
  const send = SMTPConnection.prototype.send;
  SMTPConnection.prototype.send = function (this: SMTPConnection, code, data, context) {
    if (typeof data === 'string' && OWN_ENHANCED_CODE.test(data)) return send.call(this, code, data, false);
    return send.call(this, code, data, context);
  };
}
