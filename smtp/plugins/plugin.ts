import type { AuthenticationAlignment } from '../../server/mail/authentication.types';
import type { SummaryAuth } from '../../mime/summary';

/**
 * The inbound filter plugin interface. A plugin answers at any of four moments of an SMTP
 * transaction, each optional: connect, MAIL FROM, RCPT TO, and end of DATA (after authentication,
 * before encryption: the only moment the plaintext exists). Each answer is a verdict:
 *
 * - accept: nothing to say;
 * - reject: a 5xx with its text, which starts with an enhanced status code ("5.7.1 ...");
 * - tempfail: a 4xx with its text ("4.7.1 ...");
 * - tag: what the plugin learned (score, symbols, a virus name) and where the message goes
 *   (folder 'spam'), plus headers to add to the stored copy. Only meaningful at end of DATA.
 *
 * Plugins never see a database or the key; the runner (./runner.ts) gives each a timeout and a
 * failure policy, so a plugin that throws, hangs or answers nonsense costs a 451 or nothing, never
 * the SMTP role and never a 250 for mail that wasn't stored.
 */
export type Verdict =
  | { kind: 'accept' }
  | { kind: 'reject'; code: number; text: string }
  | { kind: 'tempfail'; code: number; text: string }
  | { kind: 'tag'; tag: Tag };

export interface Tag {
  score?: number;
  symbols?: string[];
  virus?: string;
  /** 'spam' files the message in Spam; absent leaves it in the Inbox. */
  folder?: 'spam';
  /** Headers to prepend to the stored (encrypted) copy: [name, value]. */
  headers?: [string, string][];
}

/** What a failing plugin costs: 451 (the sender retries later), or nothing (the mail goes on unfiltered). */
export type FailurePolicy = 'tempfail' | 'pass';

export interface SessionInfo {
  sessionId: string;
  ip: string;
  /** EHLO/HELO name; '' before the client said one. */
  helo: string;
}

export interface EnvelopeInfo extends SessionInfo {
  /** MAIL FROM; '' for the null sender. */
  mailFrom: string;
}

export interface MessageInfo extends EnvelopeInfo {
  /** Recipient addresses as the envelope named them. */
  rcptTo: string[];
  /** The message as received, CRLF lines. */
  raw: Buffer;
  /** The Authentication-Results header this MX wrote, CRLF-terminated. */
  authHeader: Buffer;
  auth: SummaryAuth;
  alignment: AuthenticationAlignment;
}

export interface InboundPlugin {
  readonly name: string;
  connect?(session: SessionInfo, signal: AbortSignal): Verdict | Promise<Verdict>;
  mailFrom?(envelope: EnvelopeInfo, signal: AbortSignal): Verdict | Promise<Verdict>;
  rcptTo?(envelope: EnvelopeInfo, recipient: string, signal: AbortSignal): Verdict | Promise<Verdict>;
  data?(message: MessageInfo, signal: AbortSignal): Verdict | Promise<Verdict>;
}

/** A plugin with how long it may take and what its failure costs. */
export interface ConfiguredPlugin {
  plugin: InboundPlugin;
  timeoutMs: number;
  onFailure: FailurePolicy;
}

export const ACCEPT: Verdict = { kind: 'accept' };
