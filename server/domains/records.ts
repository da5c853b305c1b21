import type { RecordKind } from '../../db/schema';

/** The DNS records a domain owner publishes, in the order they are checked. */
export interface ExpectedRecord {
  kind: RecordKind;
  type: 'TXT' | 'MX';
  /** Relative to the domain: '@' for the apex. */
  host: string;
  fqdn: string;
  value: string;
  priority?: number;
}

export interface RecordConfig {
  mailHostname: string;
  spfInclude?: string;
}

export const RECORD_KINDS: RecordKind[] = ['ownership', 'mx', 'spf', 'dkim', 'dmarc'];

export function spfValue(config: RecordConfig): string {
  return config.spfInclude ? `v=spf1 mx include:${config.spfInclude} -all` : 'v=spf1 mx -all';
}

export function expectedRecords(
  domain: { name: string; verify_token: string; dkim_selector: string; dkim_public_key: string },
  config: RecordConfig,
): ExpectedRecord[] {
  const at = (host: string) => (host === '@' ? domain.name : `${host}.${domain.name}`);
  const dkimHost = `${domain.dkim_selector}._domainkey`;
  return [
    { kind: 'ownership', type: 'TXT', host: '@', fqdn: at('@'), value: `sealpost-verify=${domain.verify_token}` },
    { kind: 'mx', type: 'MX', host: '@', fqdn: at('@'), value: config.mailHostname, priority: 10 },
    { kind: 'spf', type: 'TXT', host: '@', fqdn: at('@'), value: spfValue(config) },
    { kind: 'dkim', type: 'TXT', host: dkimHost, fqdn: at(dkimHost), value: `v=DKIM1; k=rsa; p=${domain.dkim_public_key}` },
    { kind: 'dmarc', type: 'TXT', host: '_dmarc', fqdn: at('_dmarc'), value: `v=DMARC1; p=quarantine; rua=mailto:postmaster@${domain.name}` },
  ];
}

/** BIND zone syntax; TXT values over 255 bytes are split into quoted strings, as RFC 1035 requires. */
export function zoneFile(domainName: string, records: ExpectedRecord[]): string {
  const quote = (value: string) => (value.match(/.{1,255}/g) ?? ['']).map((part) => `"${part.replace(/(["\\])/g, '\\$1')}"`).join(' ');
  const lines = records.map((r) => {
    const owner = `${r.fqdn}.`;
    return r.type === 'MX' ? `${owner}\t3600\tIN\tMX\t${r.priority} ${r.value}.` : `${owner}\t3600\tIN\tTXT\t${quote(r.value)}`;
  });
  return [`; Sealpost records for ${domainName}`, `$ORIGIN ${domainName}.`, ...lines, ''].join('\n');
}
