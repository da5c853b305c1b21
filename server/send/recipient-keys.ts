import type { Db } from '../../db/client';
import { findPinnedKeys } from '../../db/repositories/pinned-key.repository';
import { findPublicKeys } from '../../db/repositories/recipient.repository';
import type { Account } from '../auth/account.service';
import { resolveRecipient } from '../mail/routing';
import { externalAddress } from './envelope';
import type { WkdResult } from '../wkd/wkd-client';

/**
 * What the browser needs to know per recipient to send: whom to encrypt to, or that the server
 * must take the message in plaintext. Looking up is not delivering: alias counters don't move.
 */
export type RecipientKey =
  | { address: string; kind: 'internal'; publicKey: string }
  | { address: string; kind: 'external-pgp'; publicKey: string; source: 'wkd' | 'pinned' }
  | { address: string; kind: 'external' }
  | { address: string; kind: 'invalid'; reason: string };

export interface RecipientKeyDeps {
  db: Db;
  /** The instance's own mail domain (MAIL_DOMAIN). */
  mailDomain: string;
  wkd(address: string): Promise<WkdResult>;
}

export async function recipientKeys(deps: RecipientKeyDeps, sender: Account, addresses: string[]): Promise<RecipientKey[]> {
  const wanted = [...new Set(addresses.map((a) => a.trim()))];
  const pinned = new Map(
    (
      await findPinnedKeys(
        deps.db,
        sender.id,
        wanted.map((a) => a.toLowerCase()),
      )
    ).map((row) => [row.address, row.public_key]),
  );
  return Promise.all(wanted.map((address) => keyFor(deps, address, pinned)));
}

async function keyFor(deps: RecipientKeyDeps, address: string, pinned: Map<string, string>): Promise<RecipientKey> {
  const route = await resolveRecipient(deps.db, address, { mailDomain: deps.mailDomain, countAlias: false });
  switch (route.status) {
    case 'bad-syntax':
      return { address, kind: 'invalid', reason: "This isn't an email address." };
    case 'unknown-mailbox':
      return { address, kind: 'invalid', reason: 'There is no such mailbox on this server.' };
    case 'local': {
      const [row] = await findPublicKeys(deps.db, [route.userId]);
      return row ? { address, kind: 'internal', publicKey: row.public_key } : { address, kind: 'invalid', reason: 'There is no such mailbox on this server.' };
    }
    case 'not-hosted':
      break;
  }
  // External: the outbound queue must accept it too (a dotted domain).
  try {
    externalAddress(address);
  } catch {
    return { address, kind: 'invalid', reason: "This address can't receive mail from here." };
  }
  const pin = pinned.get(address.toLowerCase());
  if (pin) return { address, kind: 'external-pgp', publicKey: pin, source: 'pinned' };
  const wkd = await deps.wkd(address);
  return wkd.status === 'found' ? { address, kind: 'external-pgp', publicKey: wkd.publicKey, source: 'wkd' } : { address, kind: 'external' };
}
