import 'server-only';
import { checkRecipientKey } from '../../crypto';
import type { Db } from '../../db/client';
import { deletePinnedKey, listPinnedKeys, upsertPinnedKey } from '../../db/repositories/pinned-key.repository';
import type { PinnedKeyRow } from '../../db/schema';
import type { Account } from '../auth/account.service';
import { AppError } from '../errors';
import { externalAddress } from './envelope';

/** A key the user chose for an external correspondent; it wins over WKD when composing. */
export interface PinnedKey {
  id: string;
  address: string;
  fingerprint: string;
  createdAt: string;
}

export function rowToPinnedKey(row: PinnedKeyRow): PinnedKey {
  return { id: row.id, address: row.address, fingerprint: row.fingerprint.toUpperCase(), createdAt: row.created_at.toISOString() };
}

export async function listPinned(db: Db, user: Account): Promise<PinnedKey[]> {
  return (await listPinnedKeys(db, user.id)).map(rowToPinnedKey);
}

export async function pinKey(db: Db, user: Account, input: { address: string; publicKey: string }): Promise<PinnedKey> {
  const address = externalAddress(input.address).address.toLowerCase();
  const check = await checkRecipientKey(input.publicKey, address);
  if (check.status !== 'ok') throw new AppError('BAD_INPUT', pinRefusal(check.reason));
  return rowToPinnedKey(await upsertPinnedKey(db, { user_id: user.id, address, public_key: input.publicKey.trim(), fingerprint: check.fingerprint }));
}

const NOT_A_KEY =
  'That is not an OpenPGP public key. Paste the whole block, from the line -----BEGIN PGP PUBLIC KEY BLOCK----- to the line -----END PGP PUBLIC KEY BLOCK-----.';

function pinRefusal(reason: string): string {
  return reason === 'not one OpenPGP public key' ? NOT_A_KEY : `That key can't be used: ${reason}.`;
}

export async function unpinKey(db: Db, user: Account, id: string): Promise<void> {
  if (!(await deletePinnedKey(db, user.id, id))) throw new AppError('NOT_FOUND', 'That pinned key does not exist.');
}
