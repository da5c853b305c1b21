// First: it replaces mailauth's quadratic header parser, which only works before mailauth loads.
import './mailauth-headers';
import { type AuthenticateResult, authenticate } from 'mailauth';
import type { DnsResolver } from './dns';
import type { SummaryAuth } from '../../mime/summary';
import type { AuthenticationAlignment } from './authentication.types';

export type { AuthenticationAlignment };

/**
 * SPF, DKIM, DMARC and ARC for one inbound message, through mailauth with an injected resolver.
 * The result is an Authentication-Results header to prepend to the raw message and the short
 * result words for the summary.
 */
export interface AuthenticationContext {
  /** The connecting client's IP address. */
  ip: string;
  /** What the client said in EHLO/HELO. */
  helo: string;
  /** MAIL FROM, '' for the null sender. */
  sender: string;
  /**
   * The authserv-id. The instance's mail domain rather than a host name: every MX node of one
   * instance writes the same id, so the browser can tell our header from ones the sender forged.
   */
  authservId: string;
  resolver: DnsResolver;
}

export interface AuthenticationOutcome {
  /** `Authentication-Results: ...\r\n`, folded, ready to prepend. */
  header: Buffer;
  results: SummaryAuth;
  /** What the DMARC plugin weighs (smtp/plugins/dmarc.ts); nothing of it is stored. */
  alignment: AuthenticationAlignment;
}

const NO_ALIGNMENT: AuthenticationAlignment = { headerFrom: [], dkimPassDomains: [] };

export async function authenticateMessage(raw: Buffer, ctx: AuthenticationContext): Promise<AuthenticationOutcome> {
  let result: AuthenticateResult;
  try {
    result = await authenticate(signatureInput(raw), {
      ip: ctx.ip,
      helo: ctx.helo,
      sender: ctx.sender,
      mta: ctx.authservId,
      resolver: ctx.resolver,
      // BIMI fetches logos over HTTPS and only decorates the UI: not worth a network call per message.
      disableBimi: true,
    });
  } catch {
    // A mailauth failure on hostile input must not cost the mail: record that nothing could be
    // verified. DNS failures don't land here; mailauth reports those as temperror itself.
    return temporaryFailure(ctx.authservId);
  }
  const header = extractAuthenticationResults(result.headers);
  if (!header) return temporaryFailure(ctx.authservId);
  return { header: Buffer.from(header, 'utf8'), results: resultWords(result), alignment: alignmentOf(result) };
}

/**
 * What mailauth needs to read. Only DKIM and ARC signatures look at the body (its hash); SPF, DMARC
 * and the header From come from the envelope and the header section. A message with no
 * DKIM-Signature and no ARC header gets the same results from its header section alone, and the
 * body hash of a 20 KB or 20 MB body that nothing signed is work for nothing.
 */
export function signatureInput(raw: Buffer): Buffer {
  // Where mailauth's own parser ends the header section: the first empty line, CRLF or bare LF.
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  const end = Math.min(crlf === -1 ? Number.POSITIVE_INFINITY : crlf + 4, lf === -1 ? Number.POSITIVE_INFINITY : lf + 2);
  if (end === Number.POSITIVE_INFINITY) return raw;
  const headerSection = raw.subarray(0, end);
  return SIGNED.test(headerSection.toString('latin1')) ? raw : headerSection;
}

// A header field that starts a line (not a folded continuation): name, optional blanks, colon.
const SIGNED = /(?:^|\n)(?:dkim-signature|arc-seal|arc-message-signature|arc-authentication-results)[ \t]*:/i;

function alignmentOf(result: AuthenticateResult): AuthenticationAlignment {
  const spf = result.spf && result.spf.status.result === 'pass' ? result.spf.domain?.toLowerCase() : undefined;
  return {
    headerFrom: (result.dkim.headerFrom ?? []).map((a) => String(a).toLowerCase()),
    ...(spf ? { spfPassDomain: spf } : {}),
    dkimPassDomains: (result.dkim.results ?? []).filter((r) => r.status.result === 'pass' && r.signingDomain).map((r) => r.signingDomain!.toLowerCase()),
    ...(result.dmarc && result.dmarc.policy ? { dmarcPolicy: result.dmarc.policy.toLowerCase() } : {}),
  };
}

function resultWords(result: AuthenticateResult): SummaryAuth {
  const dkimResults = result.dkim.results ?? [];
  const dkim = dkimResults.some((r) => r.status.result === 'pass') ? 'pass' : (dkimResults[0]?.status.result ?? 'none');
  return {
    spf: result.spf ? result.spf.status.result : 'none',
    dkim,
    dmarc: result.dmarc ? result.dmarc.status.result : 'none',
    arc: result.arc ? result.arc.status.result : 'none',
  };
}

/** mailauth also returns Received-SPF; the stored message gets the Authentication-Results only. */
function extractAuthenticationResults(headers: string): string | undefined {
  const match = /^Authentication-Results:[^\r\n]*(?:\r\n[ \t][^\r\n]*)*\r\n/im.exec(headers);
  return match?.[0];
}

function temporaryFailure(authservId: string): AuthenticationOutcome {
  const header = `Authentication-Results: ${authservId};\r\n dkim=temperror;\r\n spf=temperror;\r\n dmarc=temperror;\r\n arc=temperror\r\n`;
  return {
    header: Buffer.from(header, 'utf8'),
    results: { spf: 'temperror', dkim: 'temperror', dmarc: 'temperror', arc: 'temperror' },
    alignment: NO_ALIGNMENT,
  };
}
