import 'server-only';
import type { Db } from '../../db/client';
import { findDomainByName } from '../../db/repositories/domain.repository';
import type { Clock } from '../clock';
import { AppError } from '../errors';

/**
 * Whether a key's domain may send, checked at most every few seconds per process: the accept path
 * must not pay a query per request for a fact that changes a few times in a domain's life. A
 * domain that loses its verification stops being accepted here within TTL_MS; the worker checks
 * again when it signs (a message it can't sign bounces).
 */
const TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;
const checked = new Map<string, { refusal: string | null; at: number }>();

export async function assertDomainCanSend(db: Db, clock: Clock, mailDomain: string, domain: string): Promise<void> {
  if (domain === mailDomain) return;
  const now = clock.now().getTime();
  let entry = checked.get(domain);
  if (!entry || now - entry.at >= TTL_MS) {
    const row = await findDomainByName(db, domain);
    const refusal = !row
      ? `The domain ${domain} is no longer on this server.`
      : row.status !== 'verified'
        ? `The domain ${domain} isn't verified, so mail can't be sent from it.`
        : null;
    entry = { refusal, at: now };
    checked.delete(domain);
    if (checked.size >= MAX_ENTRIES) checked.delete(checked.keys().next().value!);
    checked.set(domain, entry);
  }
  if (entry.refusal) throw new AppError('FORBIDDEN', entry.refusal);
}
