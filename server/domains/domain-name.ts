import { domainToASCII, domainToUnicode } from 'node:url';

/** A domain as typed by a person: trimmed, lowercased, IDN converted to punycode, then checked. */
export type DomainNameResult = { ok: true; ascii: string; unicode: string } | { ok: false; error: string };

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export function normalizeDomainName(input: string): DomainNameResult {
  const trimmed = input.trim().toLowerCase().replace(/\.$/, '');
  if (!trimmed) return { ok: false, error: 'Enter a domain name, such as example.com.' };
  if (/[\s/@:]/.test(trimmed)) return { ok: false, error: 'Enter just the domain, such as example.com, without spaces, @, or http://.' };
  const ascii = domainToASCII(trimmed);
  if (!ascii) return { ok: false, error: 'That is not a valid domain name.' };
  const labels = ascii.split('.');
  if (labels.length < 2) return { ok: false, error: 'Enter a full domain with a dot, such as example.com.' };
  if (ascii.length > 253 || !labels.every((l) => LABEL.test(l))) return { ok: false, error: 'That is not a valid domain name.' };
  if (/^\d+$/.test(labels.at(-1)!)) return { ok: false, error: 'Enter a domain name, not an IP address.' };
  return { ok: true, ascii, unicode: domainToUnicode(ascii) };
}
