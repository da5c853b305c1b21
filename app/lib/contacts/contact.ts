import { addressError, splitMailboxEntry } from '@/mime/address';
import type { Correspondent } from '../compose/contacts';

/**
 * One address-book entry as the browser knows it. The server stores it only as one OpenPGP message
 * to the user's own key (encodeContact's bytes, encrypted in the key Worker), so every rule about
 * what a contact may hold lives here and runs before encryption.
 */
export interface ContactFields {
  name: string;
  /** The first is the one compose offers first. */
  emails: string[];
  notes: string;
  /** An ASCII-armored OpenPGP public key, pinned for the first address when saved; '' for none. */
  publicKey: string;
}

export interface Contact extends ContactFields {
  id: string;
}

export const MAX_NAME = 200;
export const MAX_EMAILS = 20;
export const MAX_NOTES = 8000;

const FORMAT = 1;

export function encodeContact(fields: ContactFields): Uint8Array {
  const { name, emails, notes, publicKey } = fields;
  return new TextEncoder().encode(JSON.stringify({ v: FORMAT, name, emails, notes, publicKey }));
}

/** The fields of a decrypted contact, or null if the bytes are not one (a newer or broken format). */
export function decodeContact(bytes: Uint8Array): ContactFields | null {
  try {
    const raw = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
    if (raw.v !== FORMAT || typeof raw.name !== 'string' || !Array.isArray(raw.emails)) return null;
    return {
      name: raw.name,
      emails: raw.emails.filter((e): e is string => typeof e === 'string'),
      notes: typeof raw.notes === 'string' ? raw.notes : '',
      publicKey: typeof raw.publicKey === 'string' ? raw.publicKey : '',
    };
  } catch {
    return null;
  }
}

export interface ContactErrors {
  name?: string;
  emails?: string;
  notes?: string;
}

/**
 * Trims and de-duplicates what a form or a vCard gave. Addresses are split on lines, commas and
 * semicolons, and "Name <address>" or "mailto:" forms keep just the address.
 */
export function normalizeContact(fields: ContactFields): ContactFields {
  const seen = new Set<string>();
  const emails = fields.emails
    .flatMap((e) => e.split(/[\n,;]+/))
    .map((e) => splitMailboxEntry(e).address)
    .filter((e) => e && !seen.has(e.toLowerCase()) && (seen.add(e.toLowerCase()), true));
  return { name: fields.name.trim().replace(/\s+/g, ' '), emails, notes: fields.notes.trim(), publicKey: fields.publicKey.trim() };
}

/** What to fix before a contact can be saved, per field; empty when it can be. */
export function contactErrors(fields: ContactFields): ContactErrors {
  const errors: ContactErrors = {};
  if (!fields.name && fields.emails.length === 0) errors.name = 'Give the contact a name or an address.';
  else if (fields.name.length > MAX_NAME) errors.name = `A name may have at most ${MAX_NAME} characters.`;
  if (fields.emails.length > MAX_EMAILS) errors.emails = `A contact may have at most ${MAX_EMAILS} addresses.`;
  else {
    // A contact's address may be on any server, so the bare-host exception for our own domain doesn't apply.
    const bad = fields.emails.map((e) => addressError(e, undefined)).find((e) => e !== null);
    if (bad) errors.emails = bad;
  }
  if (fields.notes.length > MAX_NOTES) errors.notes = `Notes may have at most ${MAX_NOTES} characters.`;
  if (fields.publicKey && fields.emails.length === 0) errors.emails = 'A key is pinned for an address: add the address it belongs to.';
  return errors;
}

/** How a contact is listed: its name, else its first address. */
export function contactTitle(contact: ContactFields): string {
  return contact.name || contact.emails[0] || '(no name)';
}

/** Contacts whose name, addresses or notes contain every word typed; case-insensitive. */
export function searchContacts<T extends ContactFields>(contacts: T[], query: string): T[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return contacts;
  return contacts.filter((c) => {
    const text = `${c.name} ${c.emails.join(' ')} ${c.notes}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

export function sortContacts<T extends ContactFields>(contacts: T[]): T[] {
  return [...contacts].sort((a, b) => contactTitle(a).localeCompare(contactTitle(b), undefined, { sensitivity: 'base' }));
}

/**
 * Compose's suggestions: every address of every contact, ahead of people only seen in mail (the
 * address book is what the user chose to keep), then those correspondents not already in it.
 */
export function mergeWithCorrespondents(contacts: ContactFields[], correspondents: Correspondent[]): Correspondent[] {
  const merged: Correspondent[] = [];
  const seen = new Set<string>();
  for (const contact of sortContacts(contacts)) {
    for (const address of contact.emails) {
      const key = address.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      merged.push({ name: contact.name, address, count: Number.MAX_SAFE_INTEGER });
    }
  }
  for (const c of correspondents) if (!seen.has(c.address.toLowerCase())) merged.push(c);
  return merged;
}

/** The contact that holds this address, if any: the reading pane's "Add to contacts" hides for it. */
export function contactWithAddress<T extends ContactFields>(contacts: T[], address: string): T | undefined {
  const key = address.trim().toLowerCase();
  return contacts.find((c) => c.emails.some((e) => e.toLowerCase() === key));
}
