import PostalMime from 'postal-mime';
import { AppError } from '../errors';
import { externalAddress } from './envelope';

type Parsed = Awaited<ReturnType<typeof PostalMime.parse>>;
type HeaderAddress = NonNullable<Parsed['to']>[number];

/** Who the message goes to, in envelope and headers: every envelope address is named in To or Cc, or declared Bcc. */
export interface EnvelopeClaim {
  recipients: string[];
  bcc: string[];
}

export const refusal = (why: string) => new AppError('BAD_INPUT', `The message was refused: ${why}. Reload the page and try again.`);

export async function parseMime(mime: Buffer): Promise<Parsed> {
  try {
    return await PostalMime.parse(mime);
  } catch {
    throw refusal('it is not a MIME message');
  }
}

/** Addresses compare as the envelope writes them: domain in ASCII, no case. */
function comparable(address: string): string {
  try {
    return externalAddress(address).address.toLowerCase();
  } catch {
    return address.toLowerCase();
  }
}

const flatten = (list: HeaderAddress[] | undefined): string[] =>
  (list ?? []).flatMap((a) => ('group' in a && a.group ? a.group.map((m) => m.address) : [a.address ?? ''])).filter(Boolean);

/**
 * What every message the browser built must be before the server signs it with the domain's key:
 * one From, the sending address; one Message-ID; no Bcc header to leak; and an envelope that
 * matches the headers (each recipient in To or Cc, or declared Bcc; each declared Bcc in the
 * envelope). A buggy or hostile client can't make the domain sign mail from someone else, or send
 * a copy to people its headers hide without saying so.
 */
export function checkHeaders(parsed: Parsed, fromAddress: string, envelope: EnvelopeClaim): void {
  const header = (key: string) => parsed.headers.filter((h) => h.key === key);
  if (header('from').length !== 1 || parsed.from?.address?.toLowerCase() !== fromAddress.toLowerCase()) throw refusal(`its From is not ${fromAddress}`);
  if (header('message-id').length !== 1) throw refusal('it needs exactly one Message-ID');
  if (header('bcc').length) throw refusal('it has a Bcc header');
  const named = new Set([...flatten(parsed.to), ...flatten(parsed.cc)].map(comparable));
  const bcc = new Set(envelope.bcc.map(comparable));
  const inEnvelope = new Set(envelope.recipients.map(comparable));
  for (const address of envelope.recipients) {
    if (!named.has(comparable(address)) && !bcc.has(comparable(address))) throw new AppError('BAD_INPUT', `${address} is not in To, Cc or Bcc.`, { address });
  }
  for (const address of envelope.bcc) {
    if (!inEnvelope.has(comparable(address))) throw new AppError('BAD_INPUT', `${address} is in Bcc but not among the recipients.`, { address });
  }
}

/**
 * A message for recipients elsewhere without a key: the header checks, and it must not pretend
 * to be PGP/MIME (that path checks the encryption; this one doesn't).
 */
export async function checkPlainMime(mime: Buffer, fromAddress: string, envelope: EnvelopeClaim): Promise<void> {
  const parsed = await parseMime(mime);
  checkHeaders(parsed, fromAddress, envelope);
  const contentType = parsed.headers.find((h) => h.key === 'content-type')?.value ?? '';
  if (/^multipart\/encrypted\s*;/i.test(contentType)) throw refusal('it is encrypted, so it goes to recipients with a key');
}
