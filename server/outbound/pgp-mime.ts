import PostalMime from 'postal-mime';
import { checkEncryptedTo, dearmorMessage } from '../../crypto';
import { AppError } from '../errors';

/** CRLF line ends throughout, as SMTP and the DKIM signature need them. */
export function toCrlf(bytes: Uint8Array): Buffer {
  return Buffer.from(Buffer.from(bytes).toString('latin1').replace(/\r?\n|\r(?!\n)/g, '\r\n'), 'latin1');
}

/**
 * Checks a PGP/MIME message (RFC 3156) that the browser built before the server signs it with the
 * domain's key: the From is the sending address, there is no Bcc header to leak, there is no part
 * in the clear besides the version part, and the encrypted part is an OpenPGP message encrypted to
 * every recipient's key. A buggy or hostile client can't use this to send plaintext it calls
 * encrypted, or mail that some of its recipients can't read.
 */
export async function checkPgpMime(mime: Buffer, fromAddress: string, recipients: { address: string; publicKey: string }[]): Promise<void> {
  const refuse = (why: string) => new AppError('BAD_INPUT', `The encrypted message was refused: ${why}. Reload the page and try again.`);
  let parsed: Awaited<ReturnType<typeof PostalMime.parse>>;
  try {
    parsed = await PostalMime.parse(mime);
  } catch {
    throw refuse('it is not a MIME message');
  }
  const header = (key: string) => parsed.headers.filter((h) => h.key === key);
  if (header('from').length !== 1 || parsed.from?.address?.toLowerCase() !== fromAddress.toLowerCase()) throw refuse(`its From is not ${fromAddress}`);
  if (header('bcc').length) throw refuse('it has a Bcc header');
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
    if (check.status !== 'ok') throw refuse(check.status === 'wrong-key' ? `it is not encrypted to the key of ${address}` : 'its encrypted part is not encrypted');
  }
}
