/**
 * The one email-address grammar, for the browser and the server alike (compose chips, the outbound
 * envelope, inbound routing, pinned keys). RFC 5321's shapes: a dot-atom or quoted local part, and
 * a domain of labels or an address literal. Non-ASCII is allowed (SMTPUTF8). No node:* imports.
 */
export interface AddressParts {
  /** As written. */
  local: string;
  /** Lowercase, without a trailing dot; Unicode as written (see asciiDomain for punycode). */
  domain: string;
}

const DOT_ATOM = /^[a-z0-9!#$%&'*+/=?^_`{|}~\u0080-\u{10ffff}-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~\u0080-\u{10ffff}-]+)*$/iu;
const QUOTED = /^"([\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*"$/;
const DOMAIN = /^([\p{L}\p{N}]([\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)*[\p{L}\p{N}]([\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;
const ADDRESS_LITERAL = /^\[[^[\]\\]+\]$/;

/** Splits `local@domain`; undefined for anything that is not an address. */
export function parseAddress(address: string): AddressParts | undefined {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1 || address.length > 254) return undefined;
  const local = address.slice(0, at);
  const domain = address
    .slice(at + 1)
    .toLowerCase()
    .replace(/\.$/, '');
  if (local.length > 64 || !(DOT_ATOM.test(local) || QUOTED.test(local))) return undefined;
  if (!(DOMAIN.test(domain) || ADDRESS_LITERAL.test(domain))) return undefined;
  return { local, domain };
}

/**
 * Why an address can't be written to, or null. Mail leaving this server needs a dotted domain; a
 * bare host name is allowed only when it is this instance's own mail domain (`localhost` in a dev
 * setup).
 */
export function addressError(address: string, mailDomain?: string): string | null {
  if (address.length > 254) return 'That address is too long.';
  const parts = parseAddress(address);
  if (!parts) return `“${address}” isn't an email address.`;
  if (!parts.domain.includes('.') && parts.domain !== mailDomain?.toLowerCase()) return `“${address}” has no complete domain.`;
  return null;
}

/** The domain in ASCII (punycode, lowercase), as DNS and SMTP want it; undefined if it has none. */
export function asciiDomain(domain: string): string | undefined {
  if (/^\[.*\]$/.test(domain)) return domain;
  try {
    // WHATWG URL applies IDNA (UTS #46) in browsers and in Node alike.
    const host = new URL(`http://${domain}/`).hostname;
    return host && !host.startsWith('[') ? host : undefined;
  } catch {
    return undefined;
  }
}

/** One mailbox as typed or pasted: "Name <a@b>", "<a@b>", "a@b" or "mailto:a@b". */
export function splitMailboxEntry(entry: string): { name: string; address: string } {
  const match = /^(.*?)\s*<([^<>]*)>$/.exec(entry.trim());
  const name = match
    ? match[1]!
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .replace(/\\(["\\])/g, '$1')
    : '';
  const address = (match ? match[2]! : entry).trim().replace(/^mailto:/i, '');
  return { name, address };
}
