import { addressError, splitMailboxEntry } from '@/mime/address';
import type { Mailbox } from '@/mime/encoding';

/**
 * Recipients as the compose window holds them: chips made from what the user typed or pasted, then
 * sorted by what the server said about each address (app/lib/compose/send.ts acts on the split).
 */
export interface Recipient extends Mailbox {
  /** Why this chip can't be sent to, or null when its syntax is fine. */
  error: string | null;
}

export type RecipientField = 'to' | 'cc' | 'bcc';

/**
 * Splits typed or pasted text into recipients: commas, semicolons and new lines separate entries,
 * except inside quotes or angle brackets. "Name <a@b>", "<a@b>" and "a@b" are understood.
 */
export function parseRecipients(input: string, mailDomain?: string): Recipient[] {
  const entries: string[] = [];
  let current = '';
  let quoted = false;
  let angle = false;
  for (const char of input) {
    if (char === '"') quoted = !quoted;
    else if (char === '<' && !quoted) angle = true;
    else if (char === '>' && !quoted) angle = false;
    if (!quoted && !angle && /[,;\n\r]/.test(char)) {
      entries.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  entries.push(current);
  return entries
    .map((e) => e.trim())
    .filter(Boolean)
    .map((entry) => parseOne(entry, mailDomain));
}

function parseOne(entry: string, mailDomain?: string): Recipient {
  const { name, address } = splitMailboxEntry(entry);
  return { name, address, error: addressError(address, mailDomain) };
}

export const sameAddress = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** Adds recipients to a field's list, dropping ones already in any field. */
export function addRecipients(current: Record<RecipientField, Recipient[]>, field: RecipientField, added: Recipient[]): Record<RecipientField, Recipient[]> {
  const seen = new Set([...current.to, ...current.cc, ...current.bcc].map((r) => r.address.toLowerCase()));
  const fresh = added.filter((r) => {
    const key = r.address.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { ...current, [field]: [...current[field], ...fresh] };
}

/** What the server told about one address (compose.recipientKeys). */
export type RecipientKind =
  | { address: string; kind: 'internal'; publicKey: string }
  | { address: string; kind: 'external-pgp'; publicKey: string; source: 'wkd' | 'pinned' }
  | { address: string; kind: 'external' }
  | { address: string; kind: 'invalid'; reason: string };

export interface RecipientSplit {
  /** On this instance: each gets a copy encrypted to their key. */
  internal: { recipient: Recipient; field: RecipientField; publicKey: string }[];
  /** Elsewhere, with a key: PGP/MIME encrypted here. */
  externalPgp: { recipient: Recipient; field: RecipientField; publicKey: string }[];
  /** Elsewhere, no key: the server sends it. */
  external: { recipient: Recipient; field: RecipientField }[];
  /** Can't be sent to: the message must not go until these are fixed. */
  problems: { address: string; reason: string }[];
}

/** Sorts every recipient by kind. An address the server did not answer for is a problem, never a guess. */
export function splitRecipients(fields: Record<RecipientField, Recipient[]>, kinds: RecipientKind[]): RecipientSplit {
  const byAddress = new Map(kinds.map((k) => [k.address.toLowerCase(), k]));
  const split: RecipientSplit = { internal: [], externalPgp: [], external: [], problems: [] };
  for (const field of ['to', 'cc', 'bcc'] as const) {
    for (const recipient of fields[field]) {
      if (recipient.error) {
        split.problems.push({ address: recipient.address, reason: recipient.error });
        continue;
      }
      const kind = byAddress.get(recipient.address.toLowerCase());
      if (!kind) split.problems.push({ address: recipient.address, reason: 'Its key could not be looked up. Try again.' });
      else if (kind.kind === 'invalid') split.problems.push({ address: recipient.address, reason: kind.reason });
      else if (kind.kind === 'internal') split.internal.push({ recipient, field, publicKey: kind.publicKey });
      else if (kind.kind === 'external-pgp') split.externalPgp.push({ recipient, field, publicKey: kind.publicKey });
      else split.external.push({ recipient, field });
    }
  }
  return split;
}

export const allRecipients = (fields: Record<RecipientField, Recipient[]>) => [...fields.to, ...fields.cc, ...fields.bcc];
