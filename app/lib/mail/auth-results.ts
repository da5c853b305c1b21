import type { SummaryAuth } from '@/mime/summary';

/**
 * What Sealpost's MX found when it checked the sender (SPF, DKIM, DMARC, ARC), in words a reader
 * can act on. The source is the summary, or else the first Authentication-Results header of the
 * raw message, which the MX prepends; later ones came with the mail and prove nothing.
 */
export type AuthTone = 'pass' | 'fail' | 'neutral';

export interface AuthVerdict {
  label: 'SPF' | 'DKIM' | 'DMARC' | 'ARC';
  result: string;
  tone: AuthTone;
}

const METHODS = [
  ['spf', 'SPF'],
  ['dkim', 'DKIM'],
  ['dmarc', 'DMARC'],
  ['arc', 'ARC'],
] as const;

export function authFromHeader(value: string | null): SummaryAuth | null {
  if (!value) return null;
  const found: Partial<Record<keyof SummaryAuth, string>> = {};
  for (const match of value.matchAll(/(?:^|[;\s])(spf|dkim|dmarc|arc)=([a-z]+)/gi)) {
    const method = match[1]!.toLowerCase() as keyof SummaryAuth;
    const result = match[2]!.toLowerCase();
    // A message can carry several DKIM signatures; one that verifies is what counts.
    if (!found[method] || result === 'pass') found[method] = result;
  }
  if (Object.keys(found).length === 0) return null;
  return { spf: found.spf ?? 'none', dkim: found.dkim ?? 'none', dmarc: found.dmarc ?? 'none', arc: found.arc ?? 'none' };
}

export function toneOf(result: string): AuthTone {
  if (result === 'pass') return 'pass';
  if (result === 'fail' || result === 'softfail' || result === 'permerror') return 'fail';
  return 'neutral';
}

export function describeAuth(auth: SummaryAuth): { verdicts: AuthVerdict[]; warning: string | null } {
  const verdicts = METHODS.map(([key, label]) => ({ label, result: auth[key], tone: toneOf(auth[key]) }));
  let warning: string | null = null;
  if (toneOf(auth.dmarc) === 'fail') {
    warning = 'This message failed DMARC: it may not really come from the address it shows.';
  } else if (auth.dmarc !== 'pass' && toneOf(auth.spf) === 'fail' && toneOf(auth.dkim) !== 'pass') {
    warning = 'The sender of this message could not be verified.';
  }
  return { verdicts, warning };
}

/**
 * The checks to show for an opened message, or null for mail no MX of ours checked. The MX
 * prepends an Authentication-Results header to every message it takes in, so a message without
 * one was written here: your Sent copies and drafts (whose summaries read `none` for every method,
 * which would show four "none" badges about yourself), and mail from users of this server, whose
 * `origin` proves the sender instead.
 */
export function checkedAuth(input: { summaryAuth: SummaryAuth | undefined; header: string | null; internalOrigin: boolean }): SummaryAuth | null {
  if (input.internalOrigin || !input.header) return null;
  return input.summaryAuth ?? authFromHeader(input.header);
}
