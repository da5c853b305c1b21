import { checkEncryptedTo, dearmorMessage } from '../../crypto';
import { AppError } from '../errors';
import { type EnvelopeClaim, checkHeaders, parseMime } from './mime-check';

/** CRLF line ends throughout, as SMTP and the DKIM signature need them. */
export function toCrlf(bytes: Uint8Array): Buffer {
  return Buffer.from(
    Buffer.from(bytes)
      .toString('latin1')
      .replace(/\r?\n|\r(?!\n)/g, '\r\n'),
    'latin1',
  );
}

/**
 * Checks a PGP/MIME message (RFC 3156) that the browser built before the server signs it with the
 * domain's key: the header checks every built message passes (checkHeaders), no part
 * in the clear besides the version part, and the encrypted part is an OpenPGP message encrypted to
 * every recipient's key. A buggy or hostile client can't use this to send plaintext it calls
 * encrypted, or mail that some of its recipients can't read.
 */
export async function checkPgpMime(
  mime: Buffer,
  fromAddress: string,
  recipients: { address: string; publicKey: string }[],
  envelope: EnvelopeClaim,
): Promise<void> {
  const refuse = (why: string) => new AppError('BAD_INPUT', `The encrypted message was refused: ${why}. Reload the page and try again.`);
  const parsed = await parseMime(mime);
  const header = (key: string) => parsed.headers.filter((h) => h.key === key);
  checkHeaders(parsed, fromAddress, envelope);
  const [contentType] = header('content-type');
  if (!contentType || !/^multipart\/encrypted\s*;/i.test(contentType.value) || !/protocol\s*=\s*"?application\/pgp-encrypted"?/i.test(contentType.value)) {
    throw refuse('it is not multipart/encrypted');
  }
  const [version, encrypted, ...more] = parsed.attachments;
  if (more.length || parsed.text?.trim() || parsed.html?.trim() || version?.mimeType !== 'application/pgp-encrypted' || !encrypted) {
    throw refuse('it has parts other than the two of PGP/MIME');
  }
  const armored = typeof encrypted.content === 'string' ? encrypted.content : new TextDecoder().decode(encrypted.content);
  const binary = await dearmorMessage(armored);
  if (!binary) throw refuse('its encrypted part is not an OpenPGP message');
  for (const { address, publicKey } of recipients) {
    const check = await checkEncryptedTo(binary, publicKey);
    if (check.status !== 'ok')
      throw refuse(check.status === 'wrong-key' ? `it is not encrypted to the key of ${address}` : 'its encrypted part is not encrypted');
  }
}
