import 'server-only';
import { createHash } from 'node:crypto';
import * as openpgp from 'openpgp';
import type { Db } from '../../db/client';
import { findPublishedKey } from '../../db/repositories/address.repository';
import { findUserByUsername } from '../../db/repositories/user.repository';
import { zbase32 } from './zbase32';

/**
 * Web Key Directory lookups. Addresses publish their owner's key; aliases never do. The served key
 * carries only the user ID of the address asked for, so one lookup doesn't reveal a user's others.
 */
export function wkdHash(localPart: string): string {
  return zbase32(createHash('sha1').update(localPart.toLowerCase()).digest());
}

/** `mailDomain`: the instance's own domain, where <username>@mailDomain is a user's own address. */
export async function lookupWkdKey(db: Db, mailDomain: string, domain: string, hash: string, localPart: string | null): Promise<Uint8Array | null> {
  // The hash is of the lowercased local part; `l=` names it, and must agree with the hash.
  if (!localPart || wkdHash(localPart) !== hash) return null;
  const address = `${localPart.toLowerCase()}@${domain.toLowerCase()}`;
  let armored: string | undefined;
  if (domain.toLowerCase() === mailDomain) {
    armored = (await findUserByUsername(db, localPart.toLowerCase()))?.public_key;
  }
  armored ??= (await findPublishedKey(db, address))?.public_key;
  if (!armored) return null;
  const key = await openpgp.readKey({ armoredKey: armored });
  key.users = key.users.filter((user) => user.userID?.email.toLowerCase() === address);
  if (key.users.length === 0) return null;
  return key.write();
}

export const WKD_POLICY = '# Sealpost Web Key Directory\n';
