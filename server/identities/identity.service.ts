import 'server-only';
import { checkEncryptedTo } from '../../crypto';
import type { Db } from '../../db/client';
import type { SendingIdentityRow } from '../../db/identity-schema';
import { listAddressesOfUser } from '../../db/repositories/address.repository';
import { deleteIdentity, listIdentitiesOfUser, upsertIdentity } from '../../db/repositories/identity.repository';
import { findPublicKeys } from '../../db/repositories/recipient.repository';
import type { Account } from '../auth/account.service';
import type { Clock } from '../clock';
import { AppError } from '../errors';

/**
 * A display name and a signature per address the user sends from. Both arrive encrypted to the
 * user's own key (checked here, as label names are) and leave as the same ciphertext: the browser
 * builds the MIME, so the server never needs to read them. What the server does know is which of
 * the user's addresses has one.
 */
export const MAX_IDENTITY_CIPHERTEXT = 96 * 1024;

export interface SendingIdentitySettings {
  address: string;
  /** Base64 OpenPGP message to the owner's key: JSON { v: 1, displayName, signatureHtml }. */
  ciphertext: string;
  updatedAt: string;
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

export function rowToIdentity(row: SendingIdentityRow): SendingIdentitySettings {
  return { address: row.address, ciphertext: base64(row.ciphertext), updatedAt: row.updated_at.toISOString() };
}

/** The addresses the user may send from: the primary, addresses, and aliases (enabled or not: one may be turned on later). */
async function ownAddresses(db: Db, account: Account): Promise<Set<string>> {
  const rows = await listAddressesOfUser(db, account.id);
  return new Set([account.address.toLowerCase(), ...rows.map((r) => r.address.toLowerCase())]);
}

/** Identities of addresses the user still has: one of a deleted alias stays hidden (and is replaced if the alias comes back). */
export async function identitiesOf(db: Db, account: Account): Promise<SendingIdentitySettings[]> {
  const [rows, own] = await Promise.all([listIdentitiesOfUser(db, account.id), ownAddresses(db, account)]);
  return rows.filter((r) => own.has(r.address)).map(rowToIdentity);
}

export async function saveIdentity(db: Db, clock: Clock, account: Account, input: { address: string; ciphertext: string }): Promise<SendingIdentitySettings> {
  const address = input.address.trim().toLowerCase();
  if (!(await ownAddresses(db, account)).has(address)) throw new AppError('NOT_FOUND', `${address} isn't one of your addresses.`);
  const bytes = new Uint8Array(Buffer.from(input.ciphertext, 'base64'));
  if (bytes.length === 0 || bytes.length > MAX_IDENTITY_CIPHERTEXT) {
    throw new AppError('BAD_INPUT', `The name and signature together must be at most ${MAX_IDENTITY_CIPHERTEXT / 1024} KB.`);
  }
  const [key] = await findPublicKeys(db, [account.id]);
  if (!key) throw new AppError('NOT_FOUND', 'There is no key for your account.');
  const check = await checkEncryptedTo(bytes, key.public_key);
  if (check.status !== 'ok') throw new AppError('BAD_INPUT', 'The name and signature must be encrypted to your own key.');
  return rowToIdentity(await upsertIdentity(db, { user_id: account.id, address, ciphertext: bytes, updated_at: clock.now() }));
}

/** Back to the defaults: the account's display name and no signature. */
export async function resetIdentity(db: Db, account: Account, address: string): Promise<void> {
  if (!(await deleteIdentity(db, account.id, address.trim().toLowerCase()))) throw new AppError('NOT_FOUND', 'That address has no saved name or signature.');
}
