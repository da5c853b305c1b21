import type { Db } from '../../db/client';
import { findAddress } from '../../db/repositories/address.repository';
import type { Account } from '../auth/account.service';
import { AppError } from '../errors';

/**
 * Mail between users of this instance may come from any of the sender's own addresses: the
 * primary <username>@MAIL_DOMAIN, an address, or an enabled alias (replying from the alias a
 * message came to). External mail follows the same rule and also needs the address's domain to
 * be verified (sending-identity.ts).
 */
export async function assertOwnAddress(db: Db, sender: Account, from: string): Promise<string> {
  const address = from.trim().toLowerCase();
  if (address === sender.address.toLowerCase()) return address;
  const row = await findAddress(db, address);
  if (!row || row.user_id !== sender.id) throw new AppError('FORBIDDEN', `You can't send from ${address}: it isn't one of your addresses.`);
  if (row.kind === 'alias' && !row.enabled) throw new AppError('FORBIDDEN', `You can't send from ${address}: that alias is turned off.`);
  return address;
}
