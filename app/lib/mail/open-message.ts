import { fromBase64 } from '@/crypto/encoding';
import type { DecryptOutcome } from '../keys/protocol';
import type { ParseResult, ParsedMessage } from './parse-message';

/**
 * Opening a message: base64 ciphertext → the key Worker decrypts → the MIME Worker parses. Each
 * way this can fail is a tag the reading pane renders; nothing here throws.
 */
export type OpenedMessage =
  | { status: 'ok'; message: ParsedMessage }
  | { status: 'decrypt-failed' }
  /** Decrypted, but not readable as mail: the reader can still save the original. */
  | { status: 'parse-failed'; raw: Uint8Array };

export interface OpenDeps {
  decrypt(data: Uint8Array): Promise<DecryptOutcome>;
  parse(raw: Uint8Array): Promise<ParseResult>;
}

export async function openMessage(rawBase64: string, deps: OpenDeps): Promise<OpenedMessage> {
  const outcome = await deps.decrypt(fromBase64(rawBase64)).catch(
    // The Worker itself failed (it crashed or was stopped): to the reader, that is a failed decryption.
    (): DecryptOutcome => ({ status: 'decrypt-failed', reason: 'key worker error' }),
  );
  if (outcome.status !== 'ok') return { status: 'decrypt-failed' };
  const parsed = await deps.parse(outcome.data);
  return parsed.status === 'ok' ? parsed : { status: 'parse-failed', raw: outcome.data };
}
