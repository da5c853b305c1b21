import { addressError, asciiDomain, parseAddress, splitMailboxEntry } from '../../mime/address';
import { AppError } from '../errors';

/** An address mail can leave this server for: its domain in ASCII, for MX look-ups and SMTP. */
export interface ExternalAddress {
  address: string;
  /** ASCII (punycode), lowercase. */
  domain: string;
}

/**
 * Checks one recipient elsewhere with the grammar the browser uses (mime/address.ts): "Name <a@b>"
 * or "a@b", and a dotted domain. Throws BAD_INPUT naming the entry.
 */
export function externalAddress(entry: string): ExternalAddress {
  const { address } = splitMailboxEntry(entry);
  const parts = parseAddress(address);
  if (!parts || addressError(address) !== null) throw new AppError('BAD_INPUT', `"${entry.slice(0, 100)}" isn't an email address.`);
  // An address literal names no MX: Sealpost delivers only to domains.
  const domain = parts.domain.startsWith('[') ? undefined : asciiDomain(parts.domain);
  if (!domain) throw new AppError('BAD_INPUT', `"${entry.slice(0, 100)}" has a domain that can't be used.`);
  return { address: `${parts.local}@${domain}`, domain };
}
