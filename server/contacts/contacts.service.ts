import 'server-only';
import { checkEncryptedTo } from '../../crypto';
import type { Db } from '../../db/client';
import type { ContactRow } from '../../db/contacts-schema';
import { countContacts, deleteContacts, insertContacts, listContacts, updateContact } from '../../db/repositories/contact.repository';
import { findPublicKeys } from '../../db/repositories/recipient.repository';
import type { Account } from '../auth/account.service';
import { AppError } from '../errors';

/**
 * The address book. Each contact arrives as one OpenPGP message to the user's own key (checked
 * here, as label names are) and leaves as the same ciphertext: the server never sees a name, an
 * address or a note, so searching and suggesting happen in the browser after decryption.
 */
export const MAX_CONTACTS = 5000;
/** A contact with a long note and a large public key still fits. */
export const MAX_CONTACT_CIPHERTEXT = 64 * 1024;
/** Contacts per create call: an import sends its file in batches of this size. */
export const MAX_CONTACTS_PER_CALL = 200;

export interface StoredContact {
  id: string;
  /** Base64 OpenPGP message to the owner's key: the contact as JSON. */
  data: string;
  updatedAt: string;
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

export function rowToContact(row: ContactRow): StoredContact {
  return { id: row.id, data: base64(row.ciphertext), updatedAt: row.updated_at.toISOString() };
}

async function ownKey(db: Db, account: Account): Promise<string> {
  const [key] = await findPublicKeys(db, [account.id]);
  if (!key) throw new AppError('NOT_FOUND', 'There is no key for your account.');
  return key.public_key;
}

async function checkedCiphertext(data: string, publicKey: string): Promise<Uint8Array> {
  const bytes = new Uint8Array(Buffer.from(data, 'base64'));
  if (bytes.length === 0 || bytes.length > MAX_CONTACT_CIPHERTEXT) {
    throw new AppError('BAD_INPUT', `A contact may take at most ${MAX_CONTACT_CIPHERTEXT / 1024} KB once encrypted. Shorten its notes or key.`);
  }
  const check = await checkEncryptedTo(bytes, publicKey);
  if (check.status !== 'ok') throw new AppError('BAD_INPUT', 'A contact must be encrypted to your own key.');
  return bytes;
}

export async function contactsOf(db: Db, account: Account): Promise<StoredContact[]> {
  return (await listContacts(db, account.id)).map(rowToContact);
}

export async function createContacts(db: Db, account: Account, data: string[]): Promise<StoredContact[]> {
  const publicKey = await ownKey(db, account);
  const ciphertexts = await Promise.all(data.map((d) => checkedCiphertext(d, publicKey)));
  const have = await countContacts(db, account.id);
  if (have + ciphertexts.length > MAX_CONTACTS) {
    throw new AppError('BAD_INPUT', `You can have at most ${MAX_CONTACTS} contacts; you have ${have}, and this would add ${ciphertexts.length}.`);
  }
  return (await insertContacts(db, account.id, ciphertexts)).map(rowToContact);
}

export async function editContact(db: Db, account: Account, input: { id: string; data: string }): Promise<StoredContact> {
  const ciphertext = await checkedCiphertext(input.data, await ownKey(db, account));
  const row = await updateContact(db, account.id, input.id, ciphertext);
  if (!row) throw new AppError('NOT_FOUND', 'That contact does not exist.');
  return rowToContact(row);
}

export async function removeContacts(db: Db, account: Account, ids: string[]): Promise<{ deleted: number }> {
  return { deleted: await deleteContacts(db, account.id, ids) };
}
