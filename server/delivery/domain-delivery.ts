import type { OutboundRecipientRow } from '../../db/schema';
import type { DnsResolver } from '../mail/dns';
import { resolveDestination } from './mx';
import type { SmtpPools } from './smtp-client';
import { type MtaStsLookup, mxMatches } from './mta-sts';

/** What one try did for one recipient, before the retry schedule decides what comes next. */
export interface TryResult {
  recipient: OutboundRecipientRow;
  outcome: 'delivered' | 'deferred' | 'failed';
  /** The remote reply, or our own words when no server answered. */
  reply: string;
  /** Enhanced status for a failure that came from DNS rather than a reply (5.1.10 for Null MX). */
  status: string | null;
  reason: string | null;
  remoteMta: string | null;
}

export interface DomainDeliveryDeps {
  resolve: DnsResolver;
  pools: SmtpPools;
  /** OUTBOUND_SMTP_PORT */
  port: number;
  /** The receiving domain's MTA-STS policy; without it every MX host gets opportunistic TLS. */
  mtaSts?: MtaStsLookup;
}

/** At most this many MX addresses are tried in one attempt (RFC 5321 5.1 asks for a limit). */
const MAX_ADDRESSES_PER_ATTEMPT = 5;

/**
 * One delivery attempt for the recipients of one domain (or all recipients, through the relay):
 * a single SMTP transaction with one RCPT TO each. The caller has marked them 'sending' in the
 * database before this starts (markDueRecipientsSending) and records each outcome as soon as this
 * returns, so a worker that dies in between leaves 'sending' behind: the next worker sends those
 * again. That is the one possible duplicate (RFC 5321 6.1 accepts it): the remote server may have
 * taken the message and the worker died before recording its 250.
 */
export async function deliverToDomain(
  deps: DomainDeliveryDeps,
  envelopeFrom: string,
  mime: Buffer,
  domain: string,
  recipients: OutboundRecipientRow[],
): Promise<TryResult[]> {
  const envelope = { from: envelopeFrom, to: recipients.map((r) => r.address) };
  const byAddress = new Map(recipients.map((r) => [r.address.toLowerCase(), r]));
  const toResults = (replies: { address: string; outcome: TryResult['outcome']; reply: string }[], remoteMta: string | null): TryResult[] =>
    replies.map((r) => ({ recipient: byAddress.get(r.address.toLowerCase())!, outcome: r.outcome, reply: r.reply, status: null, reason: null, remoteMta }));

  if (deps.pools.usesRelay) {
    return toResults((await deps.pools.send('relay', envelope, mime)).replies, 'relay');
  }

  const destination = await resolveDestination(deps.resolve, domain);
  if (destination.kind !== 'hosts') {
    return recipients.map((recipient) => ({
      recipient,
      outcome: destination.kind === 'permanent' ? 'failed' : 'deferred',
      reply: `${destination.status} ${destination.reason}`,
      status: destination.status,
      reason: destination.reason,
      remoteMta: null,
    }));
  }

  // MTA-STS enforce: only the MX hosts the policy names, and only over verified TLS.
  const policy = await deps.mtaSts?.(domain);
  const enforce = policy?.mode === 'enforce';
  const hosts = enforce ? destination.hosts.filter((h) => mxMatches(policy!, h.name)) : destination.hosts;
  if (!hosts.length) {
    const reason = 'MTA-STS policy lists none of the MX hosts';
    return recipients.map((recipient) => ({ recipient, outcome: 'deferred', reply: `4.7.5 ${reason}`, status: '4.7.5', reason, remoteMta: null }));
  }
  const targets = hosts.flatMap((h) => h.addresses.map((address) => ({ name: h.name, address }))).slice(0, MAX_ADDRESSES_PER_ATTEMPT);
  let last: TryResult[] = [];
  for (const target of targets) {
    const result = await deps.pools.send({ host: target.address, port: deps.port, servername: target.name, requireValidTls: enforce }, envelope, mime);
    last = toResults(result.replies, target.name);
    if (!result.tryNextHost) break;
  }
  return last;
}
