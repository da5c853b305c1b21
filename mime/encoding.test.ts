import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';
import { buildSend } from './build';
import { encodeDisplayName, formatMailbox } from './encoding';

/** The From header field of a message built as the browser builds it, unfolded, and how a reader parses it. */
async function fromOf(name: string) {
  const built = buildSend({
    from: { name, address: 'ada@example.org' },
    to: [{ name: '', address: 'bob@example.net' }],
    cc: [],
    subject: 'Hi',
    date: new Date('2026-12-03T10:00:00Z'),
    messageId: '<m@example.org>',
    text: 'Hello',
    attachments: [],
  }).forRecipients;
  const raw = new TextDecoder().decode(built);
  const field = /^From: .*(?:\r\n[ \t].*)*/m.exec(raw)![0];
  return { field, lines: field.split('\r\n'), parsed: (await PostalMime.parse(built)).from };
}

describe('the From header of a sending identity', () => {
  it('quotes an ASCII display name: "Name" <address>', async () => {
    const { field, parsed } = await fromOf('Ada Lovelace');
    expect(field).toBe('From: "Ada Lovelace" <ada@example.org>');
    expect(parsed).toMatchObject({ name: 'Ada Lovelace', address: 'ada@example.org' });
  });

  it('escapes quotes and backslashes, and keeps specials inside the quotes', async () => {
    expect(encodeDisplayName('Ada "the Countess" \\ Lovelace, Ltd.')).toBe('"Ada \\"the Countess\\" \\\\ Lovelace, Ltd."');
    const { parsed } = await fromOf('Lovelace, Ada <admin@evil.example>');
    expect(parsed).toMatchObject({ name: 'Lovelace, Ada <admin@evil.example>', address: 'ada@example.org' });
  });

  it('encodes a non-ASCII name as RFC 2047 words that a reader decodes back', async () => {
    const name = 'Zoë Ångström — 東京オフィス, Customer Care Team';
    const { field, lines, parsed } = await fromOf(name);
    expect(field).toMatch(/^From: =\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=/);
    expect([...field].every((c) => c.charCodeAt(0) < 128)).toBe(true);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(78);
    expect(parsed).toMatchObject({ name, address: 'ada@example.org' });
  });

  it('cannot be used to add header fields: line breaks and controls are dropped', async () => {
    const { lines, parsed } = await fromOf('Ada\r\nBcc: victim@example.com');
    expect(lines).toEqual(['From: "Ada Bcc: victim@example.com" <ada@example.org>']);
    expect(parsed?.address).toBe('ada@example.org');
  });

  it('leaves the bare address when there is no name', () => {
    expect(formatMailbox({ name: '  ', address: 'ada@example.org' })).toBe('ada@example.org');
  });
});
