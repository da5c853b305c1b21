import { describe, expect, it } from 'vitest';
import type { ParsedMessage } from '../mail/parse-message';
import { prefixedSubject, startReply, textToHtml } from './quote';

const pgpBlock = '-----BEGIN PGP MESSAGE-----\n\nhQEMA1234\n-----END PGP MESSAGE-----';

function original(overrides: Partial<ParsedMessage> = {}): ParsedMessage {
  return {
    from: [{ name: 'Alice', address: 'alice@example.org' }],
    to: [
      { name: 'Me', address: 'me@localhost' },
      { name: 'Bob', address: 'bob@example.org' },
    ],
    cc: [
      { name: '', address: 'carol@example.org' },
      { name: '', address: 'my-alias@localhost' },
    ],
    bcc: [],
    replyTo: [],
    subject: 'Plans',
    messageId: '<m2@example.org>',
    inReplyTo: '<m1@example.org>',
    references: ['<m1@example.org>'],
    sealpostHeaders: {},
    date: '2026-11-20T10:00:00.000Z',
    text: `Hi <all> & welcome\n\n${pgpBlock}`,
    html: '<p>Hi <b>all</b></p><script>alert(1)</script>',
    attachments: [
      { filename: 'a.pdf', mimeType: 'application/pdf', size: 3, contentId: null, inline: false, content: new Uint8Array(3) },
      { filename: 'logo.png', mimeType: 'image/png', size: 3, contentId: 'logo', inline: true, content: new Uint8Array(3) },
    ],
    authenticationResults: null,
    hasInlinePgp: true,
    pgpMime: null,
    ...overrides,
  };
}

const own = ['me@localhost', 'my-alias@localhost'];
const date = (iso: string | null) => (iso ? '20 Nov 2026' : null);

describe('startReply', () => {
  it('replies to the author, threads, and quotes the text with the PGP block left as text', () => {
    const reply = startReply(original(), 'reply', own, date);
    expect(reply.to.map((r) => r.address)).toEqual(['alice@example.org']);
    expect(reply.cc).toEqual([]);
    expect(reply.subject).toBe('Re: Plans');
    expect(reply.inReplyTo).toBe('<m2@example.org>');
    expect(reply.references).toEqual(['<m1@example.org>', '<m2@example.org>']);
    expect(reply.from).toBe('me@localhost');
    expect(reply.text).toContain('On 20 Nov 2026, Alice wrote:\n> Hi <all> & welcome\n>\n> -----BEGIN PGP MESSAGE-----');
    // The HTML quote is the escaped text, not the original HTML: no tag of the sender's survives.
    expect(reply.html).toContain(
      '<blockquote><p>Hi &lt;all&gt; &amp; welcome</p><p>-----BEGIN PGP MESSAGE-----</p><p>hQEMA1234<br>-----END PGP MESSAGE-----</p></blockquote>',
    );
    expect(reply.html).not.toContain('<script');
    expect(reply.attachments).toEqual([]);
  });

  it('comes From the alias the message was received at: in Cc, or named by Delivered-To when the headers hide it', () => {
    const toAlias = original({ to: [{ name: 'Shop', address: 'shop@example.org' }], cc: [{ name: '', address: 'MY-ALIAS@localhost' }] });
    expect(startReply(toAlias, 'reply', own, date).from).toBe('my-alias@localhost');
    expect(startReply(toAlias, 'reply-all', own, date).from).toBe('my-alias@localhost');
    expect(startReply(toAlias, 'forward', own, date).from).toBe('my-alias@localhost');
    // A list or Bcc copy: only the envelope knew the alias.
    const viaList = original({ to: [{ name: '', address: 'list@example.org' }], cc: [], deliveredTo: ['my-alias@localhost'] });
    expect(startReply(viaList, 'reply', own, date).from).toBe('my-alias@localhost');
    expect(startReply(original({ to: [], cc: [], deliveredTo: ['stranger@example.org'] }), 'reply', own, date).from).toBeNull();
  });

  it('reply all adds the other recipients as Cc, never the user themselves, each once', () => {
    const reply = startReply(original({ cc: [...original().cc, { name: 'Alice again', address: 'ALICE@example.org' }] }), 'reply-all', own, date);
    expect(reply.to.map((r) => r.address)).toEqual(['alice@example.org']);
    expect(reply.cc.map((r) => r.address)).toEqual(['bob@example.org', 'carol@example.org']);
  });

  it('honours Reply-To, and replying to one’s own sent message goes to its recipients', () => {
    expect(startReply(original({ replyTo: [{ name: '', address: 'list@example.org' }] }), 'reply', own, date).to.map((r) => r.address)).toEqual([
      'list@example.org',
    ]);
    const mine = original({ from: [{ name: '', address: 'me@localhost' }], to: [{ name: '', address: 'dave@example.org' }], cc: [] });
    expect(startReply(mine, 'reply', own, date).to.map((r) => r.address)).toEqual(['dave@example.org']);
  });

  it('forwards with a header block and the real attachments, to nobody yet, unthreaded', () => {
    const fwd = startReply(original(), 'forward', own, date);
    expect(fwd.to).toEqual([]);
    expect(fwd.subject).toBe('Fwd: Plans');
    expect(fwd.inReplyTo).toBeNull();
    expect(fwd.text).toContain('---------- Forwarded message ----------\nFrom: Alice <alice@example.org>\nDate: 20 Nov 2026\nSubject: Plans');
    expect(fwd.attachments.map((a) => a.filename)).toEqual(['a.pdf']);
  });

  it('quotes an HTML-only message as its text, dropping scripts', () => {
    const reply = startReply(original({ text: null }), 'reply', own, date);
    expect(reply.text).toContain('> Hi all');
    expect(reply.text).not.toContain('alert');
  });
});

describe('subjects and text', () => {
  it('adds a prefix once', () => {
    expect(prefixedSubject('Re: Plans', 'reply')).toBe('Re: Plans');
    expect(prefixedSubject('AW: Plans', 'reply-all')).toBe('AW: Plans');
    expect(prefixedSubject('Plans', 'forward')).toBe('Fwd: Plans');
    expect(prefixedSubject(null, 'reply')).toBe('Re:');
  });

  it('turns text into escaped paragraphs', () => {
    expect(textToHtml('a<b\nc\n\nd')).toBe('<p>a&lt;b<br>c</p><p>d</p>');
  });
});
