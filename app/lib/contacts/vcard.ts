import ICAL from 'ical.js';
import { fromBase64, toBase64 } from '@/crypto/encoding';
import { armorBinaryKey } from '@/crypto/pkesk';
import { type ContactFields, normalizeContact } from './contact';
import { upgradeVcard21 } from './vcard21';

/**
 * vCard files (RFC 6350, .vcf) in and out of the address book, through ical.js (Mozilla's parser
 * for iCalendar and vCard 3.0/4.0; 2.1 is brought to 3.0 first). What is read: FN (or N when FN is missing), every EMAIL, NOTE
 * and an OpenPGP KEY; other properties (phones, photos, addresses) are left out, and said so.
 */
export class VcardError extends Error {}

export interface VcardImport {
  contacts: ContactFields[];
  /** Cards that held neither a name nor an address. */
  skipped: number;
}

const MAX_FILE = 10 * 1024 * 1024;

type JCard = [string, unknown[], unknown[]];

export async function parseVcards(text: string): Promise<VcardImport> {
  if (text.length > MAX_FILE) throw new VcardError('That file is over 10 MB. Split it into smaller files.');
  if (!/BEGIN:VCARD/i.test(text)) throw new VcardError('That file holds no vCard. Choose a .vcf file exported from an address book.');
  let parsed: unknown;
  try {
    // ical.js wants CRLF or LF line ends and no BOM.
    parsed = ICAL.parse(upgradeVcard21(text.replace(/^\uFEFF/, '')).replace(/\r?\n/g, '\r\n'));
  } catch (err) {
    const why = err instanceof Error ? err.message.replace(/\s+/g, ' ').slice(0, 200) : 'unreadable';
    throw new VcardError(`That file is not a valid vCard (${why}). Nothing was imported.`);
  }
  // One card parses to a component, several to a list of them.
  const cards = (typeof (parsed as unknown[])[0] === 'string' ? [parsed] : parsed) as JCard[];
  const contacts: ContactFields[] = [];
  let skipped = 0;
  for (const jcard of cards) {
    if (jcard[0] !== 'vcard') throw new VcardError(`That file holds a ${String(jcard[0]).toUpperCase()}, not vCards. Nothing was imported.`);
    const contact = normalizeContact(await cardToContact(new ICAL.Component(jcard)));
    if (contact.name || contact.emails.length) contacts.push(contact);
    else skipped++;
  }
  return { contacts, skipped };
}

function text(value: unknown): string {
  if (Array.isArray(value)) return value.map(text).join(' ');
  // ical.js gives binary (vCard 3's ENCODING=b) as an object holding the base64 text.
  if (value && typeof value === 'object' && typeof (value as { value?: unknown }).value === 'string') return (value as { value: string }).value;
  return typeof value === 'string' ? value : '';
}

/** Every value of a text property: exporters that leave commas unescaped make ical.js see several. */
function allText(property: ICAL.Property): string {
  return property.getValues().map(text).join(',');
}

async function cardToContact(card: ICAL.Component): Promise<ContactFields> {
  const fn = card.getFirstProperty('fn');
  let name = fn ? allText(fn) : '';
  if (!name.trim()) {
    // N is family;given;additional;prefix;suffix.
    const n = card.getFirstPropertyValue('n');
    if (Array.isArray(n)) name = [n[3], n[1], n[2], n[0], n[4]].map(text).filter(Boolean).join(' ');
  }
  const emails = card
    .getAllProperties('email')
    .map((p) => ({ address: text(p.getFirstValue()), pref: preference(p) }))
    .sort((a, b) => a.pref - b.pref)
    .map((e) => e.address);
  const notes = card.getAllProperties('note').map(allText).join('\n\n');
  let publicKey = '';
  for (const property of card.getAllProperties('key')) {
    publicKey = await keyOf(property);
    if (publicKey) break;
  }
  return { name, emails, notes, publicKey };
}

/** PREF=1 is the most preferred (vCard 4); TYPE=PREF says the same in vCard 3. */
function preference(property: ICAL.Property): number {
  const pref = Number(property.getParameter('pref'));
  if (Number.isInteger(pref) && pref > 0) return pref;
  const type = property.getParameter('type');
  return [type].flat().some((t) => String(t).toLowerCase() === 'pref') ? 1 : 100;
}

const ARMORED = /-----BEGIN PGP PUBLIC KEY BLOCK-----[\s\S]*?-----END PGP PUBLIC KEY BLOCK-----/;

/** An OpenPGP key as armored text, from a data: URI (vCard 4), base64 binary (vCard 3) or plain text. */
async function keyOf(property: ICAL.Property): Promise<string> {
  const value = text(property.getFirstValue()).trim();
  const armoredIn = (s: string) => ARMORED.exec(s)?.[0] ?? '';
  if (armoredIn(value)) return armoredIn(value);
  let bytes: Uint8Array | null = null;
  const dataUri = /^data:([^,]*),(.*)$/is.exec(value);
  try {
    if (dataUri) {
      if (!/pgp/i.test(dataUri[1]!)) return '';
      bytes = /;base64$/i.test(dataUri[1]!) ? fromBase64(dataUri[2]!.replace(/\s+/g, '')) : new TextEncoder().encode(decodeURIComponent(dataUri[2]!));
    } else if (String(property.getParameter('encoding') ?? '').toLowerCase() === 'b' || /^[A-Za-z0-9+/=\s]{64,}$/.test(value)) {
      bytes = fromBase64(value.replace(/\s+/g, ''));
    }
  } catch {
    return '';
  }
  if (!bytes) return '';
  const asText = armoredIn(new TextDecoder().decode(bytes));
  return asText || ((await armorBinaryKey(bytes)) ?? '');
}

/** All contacts as one vCard 4.0 file. */
export function toVcards(contacts: ContactFields[]): string {
  return contacts.map(contactToVcard).join('');
}

function contactToVcard(contact: ContactFields): string {
  const card = new ICAL.Component('vcard');
  card.addPropertyWithValue('version', '4.0');
  // FN is required; a contact with only an address is named by it.
  card.addPropertyWithValue('fn', contact.name || contact.emails[0] || '');
  contact.emails.forEach((address, i) => {
    const property = card.addPropertyWithValue('email', address);
    if (i === 0 && contact.emails.length > 1) property.setParameter('pref', '1');
  });
  if (contact.notes) card.addPropertyWithValue('note', contact.notes);
  if (contact.publicKey) {
    // A URI value (RFC 6350 §6.8.1): written as is, its comma unescaped.
    card.addProperty(new ICAL.Property(['key', {}, 'uri', `data:application/pgp-keys;base64,${toBase64(new TextEncoder().encode(contact.publicKey))}`]));
  }
  // ical.js escapes commas in vCard URIs as in text; RFC 6350 URIs are not escaped, so undo it for
  // the one comma a data: URI has (base64 holds none), or other address books misread the key.
  return `${card.toString().replace('KEY:data:application/pgp-keys;base64\\,', 'KEY:data:application/pgp-keys;base64,')}\r\n`;
}
