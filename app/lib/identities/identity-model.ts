import { z } from 'zod';

/**
 * Sending identities: for each address the user sends from, the display name on its From and the
 * signature compose inserts. Both are stored as one JSON document encrypted to the user's own key;
 * the server keeps only the ciphertext. Plain module: no DOM, unit-tested in Node.
 */
export const MAX_DISPLAY_NAME = 64;
export const MAX_SIGNATURE_HTML = 32 * 1024;

/** What the settings editor hands back: the editor's HTML and the same as plain text. */
export interface Signature {
  html: string;
  text: string;
}

const storedIdentity = z.object({
  v: z.literal(1),
  /** null: use the account's display name. */
  displayName: z.string().max(MAX_DISPLAY_NAME).nullable(),
  signature: z.object({ html: z.string().max(MAX_SIGNATURE_HTML), text: z.string().max(MAX_SIGNATURE_HTML) }).nullable(),
});
export type StoredIdentity = z.infer<typeof storedIdentity>;

export function encodeIdentity(identity: StoredIdentity): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(storedIdentity.parse(identity)));
}

/** null when the plaintext isn't a stored identity (hostile or from a later version). */
export function decodeIdentity(bytes: Uint8Array): StoredIdentity | null {
  try {
    const parsed = storedIdentity.safeParse(JSON.parse(new TextDecoder().decode(bytes)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** A display name as typed: one line, no controls, at most MAX_DISPLAY_NAME characters; empty = none. */
export function cleanDisplayName(name: string): string {
  return Array.from(name, (c) => (c < ' ' || c === '\u007f' ? ' ' : c))
    .join('')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, MAX_DISPLAY_NAME);
}

/** An editor that was left empty holds `<p></p>`: that is no signature. */
export function isEmptySignature(signature: Signature | null): boolean {
  return !signature || (!signature.text.trim() && !/<(img|hr)\b/i.test(signature.html));
}

export interface Identity {
  address: string;
  kind: 'primary' | 'address' | 'alias';
  /** The name on the From: this identity's own, else the account's; '' for none. */
  displayName: string;
  /** The identity's own name, null when it follows the account's. */
  ownName: string | null;
  signature: Signature | null;
  /** The stored document could not be decrypted or read. */
  unreadable: boolean;
}

/** Every sending address with its identity: stored ones decrypted, the others following the account. */
export function identitiesFor(
  addresses: { address: string; kind: Identity['kind'] }[],
  stored: Map<string, StoredIdentity | 'unreadable'>,
  accountName: string | null,
): Identity[] {
  return addresses.map(({ address, kind }) => {
    const own = stored.get(address.toLowerCase());
    const readable = own && own !== 'unreadable' ? own : null;
    const ownName = readable?.displayName ? cleanDisplayName(readable.displayName) || null : null;
    return {
      address,
      kind,
      displayName: ownName ?? cleanDisplayName(accountName ?? ''),
      ownName,
      signature: readable && !isEmptySignature(readable.signature) ? readable.signature : null,
      unreadable: own === 'unreadable',
    };
  });
}

/** How the From selector names an identity. */
export function identityLabel(identity: Pick<Identity, 'address' | 'displayName' | 'kind'>): string {
  const who = identity.displayName ? `${identity.displayName} <${identity.address}>` : identity.address;
  return identity.kind === 'alias' ? `${who} (alias)` : who;
}

/**
 * The compose body with a signature in it, and swapping one signature for another when the From
 * changes. The signature is the editor's own HTML (the settings page uses the same editor), so the
 * compose editor serialises it to the same string and an unedited signature can be found again.
 * It goes after the first empty paragraph: below what the user writes, above a quoted original.
 */
export interface Body {
  mode: 'rich' | 'plain';
  html: string;
  text: string;
}

const LEAD_HTML = '<p></p>';
/** Plain text signatures get the usual delimiter line (RFC 3676 4.3); the rich editor's text is its blocks. */
const textBlock = (mode: Body['mode'], signature: Signature) => (mode === 'plain' ? `-- \n${signature.text}` : signature.text);

function insertHtml(html: string, signatureHtml: string): string {
  if (html.startsWith(LEAD_HTML)) return `${LEAD_HTML}${signatureHtml}${html.slice(LEAD_HTML.length)}`;
  return `${html || LEAD_HTML}${signatureHtml}`;
}

function insertText(text: string, block: string): string {
  if (text.startsWith('\n\n')) return `\n\n${block}${text}`;
  return text.trim() ? `${text}\n\n${block}` : `\n\n${block}`;
}

export function withSignature(body: Body, signature: Signature | null): Body {
  if (!signature) return body;
  return {
    ...body,
    html: body.mode === 'rich' ? insertHtml(body.html, signature.html) : body.html,
    text: insertText(body.text, textBlock(body.mode, signature)),
  };
}

/**
 * The body after the From changed from an identity with signature `from` to one with `to`, or
 * null when the body can't be changed safely: the signature was edited, or removed.
 */
export function swapSignature(body: Body, from: Signature | null, to: Signature | null): Body | null {
  if (!from) return withSignature(body, to);
  const oldText = textBlock(body.mode, from);
  const newText = to ? textBlock(body.mode, to) : '';
  if (body.mode === 'plain') {
    if (!body.text.includes(oldText)) return null;
    return { ...body, text: body.text.replace(oldText, () => newText) };
  }
  if (!body.html.includes(from.html)) return null;
  // The rich editor's text follows its HTML; until the next keystroke it is what was set here.
  // Replaced by a function: a signature may contain `$&`, which a replacement string would expand.
  return { ...body, html: body.html.replace(from.html, () => to?.html ?? ''), text: body.text.replace(oldText, () => newText) };
}

/** The text the user wrote: the body without the signature compose put in (for "is this blank?"). */
export function textWithoutSignature(text: string, signature: Signature | null | undefined | 'pending'): string {
  if (!signature || signature === 'pending') return text;
  return text.replace(`-- \n${signature.text}`, '').replace(signature.text, '');
}
