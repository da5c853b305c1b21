import { createHash } from 'node:crypto';
import type { Settings } from '../settings';

/**
 * The receiving side of MTA-STS (RFC 8461) and TLS-RPT (RFC 8460) for hosted domains: the policy
 * served at https://mta-sts.<domain>/.well-known/mta-sts.txt, and the records that announce it.
 * The policy lists MAIL_HOSTNAME, the one MX every hosted domain points at; its id changes
 * whenever the policy does, so senders fetch the new one.
 */
export type MtaStsSettings = Pick<Settings, 'mailHostname' | 'mtaStsMode' | 'webHostname'>;

export interface AnnouncementRecord {
  type: 'TXT' | 'CNAME';
  host: string;
  fqdn: string;
  value: string;
  purpose: string;
}

export function mtaStsPolicy(settings: MtaStsSettings): string {
  const mode = settings.mtaStsMode ?? 'testing';
  // A week once enforced (RFC 8461 suggests weeks); a day while testing, so a change lands soon.
  const maxAge = mode === 'enforce' ? 604_800 : 86_400;
  return `version: STSv1\nmode: ${mode}\nmx: ${settings.mailHostname}\nmax_age: ${maxAge}\n`;
}

export function mtaStsPolicyId(settings: MtaStsSettings): string {
  return createHash('sha256').update(mtaStsPolicy(settings)).digest('hex').slice(0, 20);
}

export function mtaStsRecords(domainName: string, settings: MtaStsSettings): AnnouncementRecord[] {
  return [
    {
      type: 'CNAME',
      host: 'mta-sts',
      fqdn: `mta-sts.${domainName}`,
      value: settings.webHostname ?? settings.mailHostname,
      purpose: 'Serves the MTA-STS policy over HTTPS: the certificate must cover this name.',
    },
    {
      type: 'TXT',
      host: '_mta-sts',
      fqdn: `_mta-sts.${domainName}`,
      value: `v=STSv1; id=${mtaStsPolicyId(settings)}`,
      purpose: 'Tells senders an MTA-STS policy exists (RFC 8461).',
    },
    {
      type: 'TXT',
      host: '_smtp._tls',
      fqdn: `_smtp._tls.${domainName}`,
      value: `v=TLSRPTv1; rua=mailto:postmaster@${domainName}`,
      purpose: 'Asks senders for TLS reports (RFC 8460).',
    },
  ];
}

/** The same records as zone-file lines. */
export function mtaStsZoneLines(records: AnnouncementRecord[]): string[] {
  return records.map((r) => (r.type === 'CNAME' ? `${r.fqdn}.\t3600\tIN\tCNAME\t${r.value}.` : `${r.fqdn}.\t3600\tIN\tTXT\t"${r.value}"`));
}
