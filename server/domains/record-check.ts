import type { RecordKind, RecordStatus } from '../../db/schema';
import type { DnsResolver } from '../mail/dns';
import type { ExpectedRecord } from './records';

/**
 * Checks each expected record against DNS. A missing record is `missing`; a different one is
 * `mismatch` with what was found; a timeout, SERVFAIL or refused query is `pending`, never a
 * failure: the next check decides.
 */
export interface RecordCheck {
  kind: RecordKind;
  status: RecordStatus;
  found: string | null;
}

const NO_RECORD = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN']);

type Lookup<T> = { ok: true; value: T } | { ok: false; status: 'missing' | 'pending'; error: string };

async function lookup<T>(resolve: DnsResolver, name: string, type: string): Promise<Lookup<T>> {
  try {
    return { ok: true, value: (await resolve(name, type)) as T };
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'ERROR';
    return { ok: false, status: NO_RECORD.has(code) ? 'missing' : 'pending', error: code };
  }
}

const joinTxt = (records: string[][]) => records.map((chunks) => chunks.join(''));

function dkimKey(record: string): string | undefined {
  const tags = Object.fromEntries(
    record
      .split(';')
      .map((t) => t.trim().split('='))
      .filter((kv) => kv.length >= 2)
      .map(([k, ...v]) => [k!.trim(), v.join('=').replace(/\s+/g, '')]),
  );
  return tags.p;
}

function judgeTxt(expected: ExpectedRecord, txt: string[], mailHostname: string): RecordCheck {
  const { kind } = expected;
  const relevant = {
    ownership: txt.filter((t) => t.startsWith('sealpost-verify=')),
    spf: txt.filter((t) => /^v=spf1(\s|$)/i.test(t)),
    dkim: txt.filter((t) => /(^|;)\s*p=/.test(t)),
    dmarc: txt.filter((t) => /^v=DMARC1/i.test(t)),
    mx: [] as string[],
  }[kind];
  if (relevant.length === 0) {
    // The apex carries other TXT records as a rule; at a dedicated name, anything else is a mistake.
    const dedicated = kind === 'dkim' || kind === 'dmarc';
    return dedicated && txt.length ? { kind, status: 'mismatch', found: txt.join(' | ') } : { kind, status: 'missing', found: null };
  }
  const found = relevant.join(' | ');
  let ok: boolean;
  switch (kind) {
    case 'ownership':
      ok = relevant.includes(expected.value);
      break;
    case 'spf': {
      // Any SPF that authorises our MX (or the configured include) passes; exactly one SPF record is allowed.
      const include = /include:(\S+)/.exec(expected.value)?.[1];
      const terms = relevant[0]!.toLowerCase().split(/\s+/);
      ok =
        relevant.length === 1 &&
        (terms.includes('mx') ||
          terms.includes('+mx') ||
          (include !== undefined && terms.includes(`include:${include}`)) ||
          terms.includes(`a:${mailHostname}`));
      break;
    }
    case 'dkim':
      ok = relevant.some((r) => dkimKey(r) === dkimKey(expected.value));
      break;
    case 'dmarc':
      ok = relevant.length === 1 && /(^|;)\s*p=(none|quarantine|reject)\s*(;|$)/i.test(relevant[0]!);
      break;
    default:
      ok = false;
  }
  return { kind, status: ok ? 'ok' : 'mismatch', found };
}

export async function checkRecord(resolve: DnsResolver, expected: ExpectedRecord, mailHostname: string): Promise<RecordCheck> {
  if (expected.type === 'MX') {
    const result = await lookup<{ exchange: string; priority: number }[]>(resolve, expected.fqdn, 'MX');
    if (!result.ok) return { kind: expected.kind, status: result.status, found: null };
    if (result.value.length === 0) return { kind: expected.kind, status: 'missing', found: null };
    const names = result.value.map((mx) => mx.exchange.toLowerCase().replace(/\.$/, ''));
    const ok = names.includes(mailHostname.toLowerCase());
    return { kind: expected.kind, status: ok ? 'ok' : 'mismatch', found: result.value.map((mx) => `${mx.priority} ${mx.exchange}`).join(', ') };
  }
  const result = await lookup<string[][]>(resolve, expected.fqdn, 'TXT');
  if (!result.ok) return { kind: expected.kind, status: result.status, found: null };
  return judgeTxt(expected, joinTxt(result.value), mailHostname);
}

/**
 * Ownership first, then the rest. The rest are looked up even before ownership is proven, so the
 * owner sees every record's state at once; only ownership decides whether the domain is theirs.
 */
export async function checkRecords(resolve: DnsResolver, records: ExpectedRecord[], mailHostname: string): Promise<RecordCheck[]> {
  const [ownership, ...rest] = records;
  const first = await checkRecord(resolve, ownership!, mailHostname);
  return [first, ...(await Promise.all(rest.map((r) => checkRecord(resolve, r, mailHostname))))];
}
