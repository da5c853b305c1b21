import { describe, expect, it } from 'vitest';
import {
  type StoredIdentity,
  decodeIdentity,
  encodeIdentity,
  identitiesFor,
  identityLabel,
  isEmptySignature,
  swapSignature,
  textWithoutSignature,
  withSignature,
} from './identity-model';

const ada = { html: '<p>Ada <strong>Lovelace</strong></p><p>Analytical Engines Ltd</p>', text: 'Ada Lovelace\n\nAnalytical Engines Ltd' };
const shop = { html: '<p>The shop team – $& $1</p>', text: 'The shop team – $& $1' };

describe('sending identities', () => {
  it('round-trips the stored document and rejects anything else', () => {
    const stored = { v: 1 as const, displayName: 'Ada', signature: ada };
    expect(decodeIdentity(encodeIdentity(stored))).toEqual(stored);
    expect(decodeIdentity(new TextEncoder().encode('{"v":2}'))).toBeNull();
    expect(decodeIdentity(new TextEncoder().encode('not json'))).toBeNull();
    expect(decodeIdentity(new TextEncoder().encode(JSON.stringify({ ...stored, displayName: 'x'.repeat(65) })))).toBeNull();
  });

  it('follows the account name unless the identity has its own; an empty editor is no signature', () => {
    const addresses = [
      { address: 'ada@localhost', kind: 'primary' as const },
      { address: 'shop@example.org', kind: 'alias' as const },
      { address: 'old@example.org', kind: 'address' as const },
    ];
    const stored = new Map<string, StoredIdentity | 'unreadable'>([
      ['shop@example.org', { v: 1 as const, displayName: ' Shop\r\nDesk ', signature: { html: '<p></p>', text: '' } }],
      ['old@example.org', 'unreadable' as const],
    ]);
    const [primary, alias, old] = identitiesFor(addresses, stored, 'Ada Lovelace');
    expect(primary).toMatchObject({ displayName: 'Ada Lovelace', ownName: null, signature: null });
    expect(alias).toMatchObject({ displayName: 'Shop Desk', ownName: 'Shop Desk', signature: null });
    expect(old).toMatchObject({ displayName: 'Ada Lovelace', unreadable: true });
    expect(identityLabel(alias!)).toBe('Shop Desk <shop@example.org> (alias)');
    expect(identityLabel({ address: 'a@b', displayName: '', kind: 'primary' })).toBe('a@b');
    expect(isEmptySignature({ html: '<p></p>', text: ' ' })).toBe(true);
  });

  it('puts the signature below the new text and above a quoted original', () => {
    expect(withSignature({ mode: 'rich', html: '', text: '' }, ada)).toEqual({ mode: 'rich', html: `<p></p>${ada.html}`, text: `\n\n${ada.text}` });
    const reply = withSignature({ mode: 'rich', html: '<p></p><p>Bob wrote:</p><blockquote><p>hi</p></blockquote>', text: '\n\nBob wrote:\n> hi' }, ada);
    expect(reply.html).toBe(`<p></p>${ada.html}<p>Bob wrote:</p><blockquote><p>hi</p></blockquote>`);
    expect(reply.text).toBe(`\n\n${ada.text}\n\nBob wrote:\n> hi`);
    expect(withSignature({ mode: 'plain', html: '', text: 'Hello' }, ada).text).toBe(`Hello\n\n-- \n${ada.text}`);
    expect(withSignature({ mode: 'plain', html: '', text: 'Hello' }, null).text).toBe('Hello');
  });

  it('swaps an unedited signature when the From changes, and leaves an edited one alone', () => {
    const body = { mode: 'rich' as const, html: `<p>Dear Bob,</p>${ada.html}`, text: `Dear Bob,\n\n${ada.text}` };
    const swapped = swapSignature(body, ada, shop)!;
    expect(swapped.html).toBe(`<p>Dear Bob,</p>${shop.html}`);
    expect(swapped.text).toBe(`Dear Bob,\n\n${shop.text}`);
    expect(swapSignature(swapped, shop, null)!.html).toBe('<p>Dear Bob,</p>');
    expect(swapSignature({ ...body, html: body.html.replace('Lovelace', 'L.') }, ada, shop)).toBeNull();
    // No signature before: the new one goes in.
    expect(swapSignature({ mode: 'rich', html: '<p></p>', text: '' }, null, shop)!.html).toBe(`<p></p>${shop.html}`);
    const plain = withSignature({ mode: 'plain', html: '', text: 'Hi' }, ada);
    expect(swapSignature(plain, ada, shop)!.text).toBe(`Hi\n\n-- \n${shop.text}`);
  });

  it('a body holding only the signature is blank', () => {
    expect(textWithoutSignature(`\n\n${ada.text}`, ada).trim()).toBe('');
    expect(textWithoutSignature(`\n\n-- \n${ada.text}`, ada).trim()).toBe('');
    expect(textWithoutSignature('Hello', 'pending')).toBe('Hello');
  });
});
