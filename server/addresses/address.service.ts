import 'server-only';
import { randomInt } from 'node:crypto';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import type { Db } from '../../db/client';
import { deleteAddress, findAddress, insertAddress, listAddressesOfUser, setDefaultAddress, updateAddress } from '../../db/repositories/address.repository';
import { findDomainByName, listDomains } from '../../db/repositories/domain.repository';
import { findUserById, updatePublicKey, usernameExists } from '../../db/repositories/user.repository';
import type { AddressRow } from '../../db/schema';
import type { Account } from '../auth/account.service';
import { AppError } from '../errors';
import type { Settings } from '../settings';
import { checkKeyUpdate } from './public-key-update';

export interface MailAddress {
  /** null for the primary <username>@MAIL_DOMAIN, which has no row. */
  id: string | null;
  address: string;
  kind: 'primary' | 'address' | 'alias';
  aliasStyle: 'custom' | 'random' | null;
  note: string | null;
  enabled: boolean;
  isDefault: boolean;
  receivedCount: number;
  blockedCount: number;
  createdAt: string | null;
}

export function rowToMailAddress(row: AddressRow): MailAddress {
  return {
    id: row.id,
    address: row.address,
    kind: row.kind,
    aliasStyle: row.alias_style,
    note: row.note,
    enabled: row.enabled,
    isDefault: row.is_default,
    receivedCount: row.received_count,
    blockedCount: row.blocked_count,
    createdAt: row.created_at.toISOString(),
  };
}

const LOCAL_PART = /^[a-z0-9]([a-z0-9._+-]{0,62}[a-z0-9])?$/;

export async function listAddresses(db: Db, actor: Account): Promise<MailAddress[]> {
  const rows = (await listAddressesOfUser(db, actor.id)).map(rowToMailAddress);
  const primary: MailAddress = {
    id: null,
    address: actor.address,
    kind: 'primary',
    aliasStyle: null,
    note: null,
    enabled: true,
    isDefault: !rows.some((r) => r.isDefault),
    receivedCount: 0,
    blockedCount: 0,
    createdAt: actor.createdAt.toISOString(),
  };
  return [primary, ...rows];
}

export async function currentPublicKey(db: Db, actor: Account): Promise<{ publicKey: string; userIds: { name: string; email: string }[] }> {
  const user = (await findUserById(db, actor.id))!;
  const addresses = (await listAddressesOfUser(db, actor.id)).filter((a) => a.kind === 'address').map((a) => a.address);
  return { publicKey: user.public_key, userIds: [actor.address, ...addresses].map((email) => ({ name: actor.username, email })) };
}

/** What the address rules need: the instance's own domain, and who may add addresses on it. */
export type AddressSettings = Pick<Settings, 'mailDomain' | 'mailDomainAddresses'>;

/** Domains the actor may put addresses and aliases on: their verified domains, and MAIL_DOMAIN if allowed. */
export async function usableDomains(db: Db, settings: AddressSettings, actor: Account): Promise<string[]> {
  const own = (await listDomains(db, actor.id)).filter((d) => d.status === 'verified').map((d) => d.name);
  const policy = settings.mailDomainAddresses;
  const mailDomain = policy === 'allowed' || (policy === 'admins' && actor.isAdmin) ? [settings.mailDomain] : [];
  return [...mailDomain, ...own];
}

async function claimableAddress(db: Db, settings: AddressSettings, actor: Account, localPart: string, domain: string) {
  const local = localPart.trim().toLowerCase();
  const domainName = domain.trim().toLowerCase();
  if (!LOCAL_PART.test(local))
    throw new AppError('BAD_INPUT', 'Use letters, digits, dots, dashes, underscores or plus signs, starting and ending with a letter or digit.');
  if (!(await usableDomains(db, settings, actor)).includes(domainName)) {
    throw new AppError('FORBIDDEN', `You can't add addresses on ${domainName}: it isn't one of your verified domains.`);
  }
  const address = `${local}@${domainName}`;
  const takenByUser = domainName === settings.mailDomain && (await usernameExists(db, local));
  if (takenByUser || (await findAddress(db, address))) throw new AppError('ADDRESS_TAKEN', `${address} is already taken.`);
  const domainRow = domainName === settings.mailDomain ? null : await findDomainByName(db, domainName);
  return { local, domainName, address, domainId: domainRow?.id ?? null };
}

/** Adds an address; `publicKey` is the user's key re-signed in the browser with the new user ID. */
export async function addAddress(
  db: Db,
  settings: AddressSettings,
  actor: Account,
  input: { localPart: string; domain: string; publicKey: string },
): Promise<MailAddress> {
  const claim = await claimableAddress(db, settings, actor, input.localPart, input.domain);
  const user = (await findUserById(db, actor.id))!;
  const current = (await listAddressesOfUser(db, actor.id)).filter((a) => a.kind === 'address').map((a) => a.address);
  await checkKeyUpdate(user.public_key, input.publicKey, [actor.address, ...current, claim.address]);
  try {
    return await db.transaction().execute(async (trx) => {
      const row = await insertAddress(trx, {
        user_id: actor.id,
        domain_id: claim.domainId,
        local_part: claim.local,
        domain: claim.domainName,
        address: claim.address,
        kind: 'address',
        alias_style: null,
        note: null,
      });
      await updatePublicKey(trx, actor.id, input.publicKey);
      return rowToMailAddress(row);
    });
  } catch (err) {
    if ((err as { code?: string }).code === '23505') throw new AppError('ADDRESS_TAKEN', `${claim.address} is already taken.`);
    throw err;
  }
}

export async function removeAddress(db: Db, actor: Account, id: string, publicKey: string): Promise<void> {
  const rows = await listAddressesOfUser(db, actor.id);
  const row = rows.find((r) => r.id === id && r.kind === 'address');
  if (!row) throw new AppError('NOT_FOUND', 'That address does not exist.');
  const user = (await findUserById(db, actor.id))!;
  const remaining = rows.filter((r) => r.kind === 'address' && r.id !== id).map((r) => r.address);
  await checkKeyUpdate(user.public_key, publicKey, [actor.address, ...remaining]);
  await db.transaction().execute(async (trx) => {
    await deleteAddress(trx, id, actor.id);
    await updatePublicKey(trx, actor.id, publicKey);
  });
}

export async function makeDefault(db: Db, actor: Account, id: string | null): Promise<void> {
  if (id && !(await listAddressesOfUser(db, actor.id)).some((r) => r.id === id && r.kind === 'address')) {
    throw new AppError('NOT_FOUND', 'That address does not exist.');
  }
  await setDefaultAddress(db, actor.id, id);
}

/** word.word42: two words from the BIP39 list and two digits, about 28 bits; retried on collision. */
export function randomAliasLocalPart(): string {
  const word = () => wordlist[randomInt(wordlist.length)]!;
  return `${word()}.${word()}${randomInt(10, 100)}`;
}

export async function addAlias(
  db: Db,
  settings: AddressSettings,
  actor: Account,
  input: { domain: string; localPart?: string; note?: string },
): Promise<MailAddress> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const random = input.localPart === undefined;
    try {
      const claim = await claimableAddress(db, settings, actor, input.localPart ?? randomAliasLocalPart(), input.domain);
      const row = await insertAddress(db, {
        user_id: actor.id,
        domain_id: claim.domainId,
        local_part: claim.local,
        domain: claim.domainName,
        address: claim.address,
        kind: 'alias',
        alias_style: random ? 'random' : 'custom',
        note: input.note?.trim() || null,
      });
      return rowToMailAddress(row);
    } catch (err) {
      const taken = err instanceof AppError ? err.code === 'ADDRESS_TAKEN' : (err as { code?: string }).code === '23505';
      if (!random || !taken) {
        if (taken && !(err instanceof AppError)) throw new AppError('ADDRESS_TAKEN', 'That alias is already taken.');
        throw err;
      }
    }
  }
  throw new AppError('ADDRESS_TAKEN', 'Could not find a free random alias. Try again.');
}

export async function updateAlias(db: Db, actor: Account, id: string, changes: { note?: string | null; enabled?: boolean }): Promise<MailAddress> {
  const row = await updateAddress(db, id, actor.id, {
    ...(changes.note !== undefined && { note: changes.note?.trim() || null }),
    ...(changes.enabled !== undefined && { enabled: changes.enabled }),
  });
  if (!row || row.kind !== 'alias') throw new AppError('NOT_FOUND', 'That alias does not exist.');
  return rowToMailAddress(row);
}

export async function removeAlias(db: Db, actor: Account, id: string): Promise<void> {
  const rows = await listAddressesOfUser(db, actor.id);
  if (!rows.some((r) => r.id === id && r.kind === 'alias')) throw new AppError('NOT_FOUND', 'That alias does not exist.');
  await deleteAddress(db, id, actor.id);
}
