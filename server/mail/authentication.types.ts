/** What the DMARC plugin (smtp/plugins/dmarc.ts) weighs, from mailauth's results; nothing of it is stored. */
export interface AuthenticationAlignment {
  /** The From header's addresses, lower-cased, as mailauth read them. */
  headerFrom: string[];
  /** The MAIL FROM domain when SPF passed. */
  spfPassDomain?: string;
  /** d= of every DKIM signature that verified. */
  dkimPassDomains: string[];
  /** The published DMARC policy that applies (p, or sp for a subdomain), when there is one. */
  dmarcPolicy?: string;
}
