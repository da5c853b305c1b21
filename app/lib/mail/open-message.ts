import { fromBase64 } from '@/crypto/encoding';
import type { DecryptOutcome } from '../keys/protocol';
import type { ParseResult, ParsedMessage } from './parse-message';

/**
 * Opening a message: base64 ciphertext → the key Worker decrypts → the MIME Worker parses. Each
 * way this can fail is a tag the reading pane renders; nothing here throws.
 */
export type OpenedMessage =
  /**
   * `senderEncrypted`: the sender encrypted it (PGP/MIME) before it reached the server; 'opened'
   * shows the inside, 'unreadable' the outside (it isn't encrypted to this reader's key).
   */
  | { status: 'ok'; message: ParsedMessage; senderEncrypted?: 'opened' | 'unreadable' }
  | { status: 'decrypt-failed' }
  /** Decrypted, but not readable as mail: the reader can still save the original. */
  | { status: 'parse-failed'; raw: Uint8Array };

export interface OpenDeps {
  decrypt(data: Uint8Array): Promise<DecryptOutcome>;
  /** The inner layer of PGP/MIME, ASCII-armored. */
  decryptArmored(armored: string): Promise<DecryptOutcome>;
  parse(raw: Uint8Array): Promise<ParseResult>;
}

export async function openMessage(rawBase64: string, deps: OpenDeps): Promise<OpenedMessage> {
  const outcome = await deps.decrypt(fromBase64(rawBase64)).catch(
    // The Worker itself failed (it crashed or was stopped): to the reader, that is a failed decryption.
    (): DecryptOutcome => ({ status: 'decrypt-failed', reason: 'key worker error' }),
  );
  if (outcome.status !== 'ok') return { status: 'decrypt-failed' };
  const parsed = await deps.parse(outcome.data);
  if (parsed.status !== 'ok') return { status: 'parse-failed', raw: outcome.data };
  return parsed.message.pgpMime ? peel(parsed.message, parsed.message.pgpMime, deps) : parsed;
}

/**
 * The second layer: the server stored the sender's PGP/MIME encrypted to the reader like any other
 * mail. Inside is a whole MIME entity (with "protected headers", RFC 9788 style, when the sender
 * hid the subject). The outer From, To, Date and Authentication-Results stay: they are what the
 * server saw and checked; the subject, body and attachments come from inside.
 */
async function peel(outer: ParsedMessage, armored: string, deps: OpenDeps): Promise<OpenedMessage> {
  const unreadable = { status: 'ok', message: outer, senderEncrypted: 'unreadable' } as const;
  const inner = await deps.decryptArmored(armored).catch((): DecryptOutcome => ({ status: 'decrypt-failed', reason: 'key worker error' }));
  if (inner.status !== 'ok') return unreadable;
  const parsed = await deps.parse(inner.data);
  if (parsed.status !== 'ok') return unreadable;
  const { subject, text, html, attachments, hasInlinePgp } = parsed.message;
  return {
    status: 'ok',
    senderEncrypted: 'opened',
    // A nested PGP/MIME inside is not opened again: one layer from the sender is what RFC 3156 sends.
    message: { ...outer, subject: subject ?? outer.subject, text, html, attachments, hasInlinePgp, pgpMime: null },
  };
}
