import { ACCEPT, type InboundPlugin, type MessageInfo, type Verdict } from './plugin';

/**
 * DMARC, and protection of the domains this instance hosts, from what mailauth already found
 * (server/mail/authentication.ts): no DNS of its own.
 *
 * - From a domain we host (MAIL_DOMAIN or a verified domain), the message must be aligned: SPF
 *   passed for the same domain (or a subdomain of it, or it of ours), or a DKIM signature of it
 *   verified. Otherwise 550 5.7.1, whether or not the domain publishes a DMARC record: our users
 *   can't be forged to each other from outside.
 * - Any other domain: DMARC fail under p=reject is 550 5.7.1, under p=quarantine the message goes
 *   to Spam. p=none, no record, or a temporary error: accepted (the reader shows the result).
 */
export interface DmarcPluginOptions {
  /** Whether mail for this domain is ours: MAIL_DOMAIN, or a verified customer domain. */
  isHostedDomain(domain: string): Promise<boolean>;
}

export const FORGED_REPLY: Verdict = {
  kind: 'reject',
  code: 550,
  text: '5.7.1 Message claims to be from a domain hosted here but is not authenticated as such',
};
export const DMARC_REJECT_REPLY: Verdict = {
  kind: 'reject',
  code: 550,
  text: "5.7.1 Message rejected: it fails the sender domain's DMARC policy",
};

export function dmarcPlugin(options: DmarcPluginOptions): InboundPlugin {
  return {
    name: 'dmarc',
    async data(message) {
      const domains = fromDomains(message);
      for (const domain of domains) {
        if ((await options.isHostedDomain(domain)) && !aligned(domain, message)) return FORGED_REPLY;
      }
      if (message.auth.dmarc !== 'fail') return ACCEPT;
      const policy = message.alignment.dmarcPolicy;
      if (policy === 'reject') return DMARC_REJECT_REPLY;
      if (policy === 'quarantine') return { kind: 'tag', tag: { folder: 'spam', symbols: ['DMARC_POLICY_QUARANTINE'] } };
      return ACCEPT;
    },
  };
}

/** Relaxed alignment: the same domain, or one a subdomain of the other. */
function related(a: string, b: string): boolean {
  return a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`);
}

function aligned(domain: string, message: MessageInfo): boolean {
  const { spfPassDomain, dkimPassDomains } = message.alignment;
  if (spfPassDomain && related(spfPassDomain, domain)) return true;
  return dkimPassDomains.some((d) => related(d, domain));
}

/**
 * The From header's domains: mailauth's reading, or, when mailauth could not read the message,
 * our own of the first From header, so a message mailauth choked on can't slip a forged From by.
 */
function fromDomains(message: MessageInfo): string[] {
  const addresses = message.alignment.headerFrom.length > 0 ? message.alignment.headerFrom : rawFromAddresses(message.raw);
  const domains = new Set<string>();
  for (const address of addresses) {
    const at = address.lastIndexOf('@');
    if (at !== -1)
      domains.add(
        address
          .slice(at + 1)
          .replace(/[>\s].*$/, '')
          .toLowerCase(),
      );
  }
  return [...domains].filter(Boolean);
}

const HEADER_SCAN_BYTES = 64 * 1024;

function rawFromAddresses(raw: Buffer): string[] {
  const head = raw.subarray(0, HEADER_SCAN_BYTES).toString('latin1');
  const end = head.indexOf('\r\n\r\n');
  const headers = end === -1 ? head : head.slice(0, end);
  const match = /^from:[ \t]*([^\r\n]*(?:\r\n[ \t][^\r\n]*)*)/im.exec(headers);
  if (!match) return [];
  return [...match[1]!.matchAll(/[^\s<>,;:"()]+@[^\s<>,;:"()]+/g)].map((m) => m[0].toLowerCase());
}
