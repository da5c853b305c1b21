import { describe, expect, it } from 'vitest';
import { armorMessage, decryptBytes, encryptBytes, readPrivateKey } from '@/crypto';
import { generateUserKey } from '@/crypto/pgp';
import { parseMessage } from '../mail/parse-message';
import { type OutgoingMail, buildMessage, buildPgpMimeContent, buildPgpMimeMessage, newMessageId } from '@/mime/build';
import { quotedPrintable } from '@/mime/encoding';

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

function mail(overrides: Partial<OutgoingMail> = {}): OutgoingMail {
  return {
    from: { name: 'Zoë Ünïcode, Esq.', address: 'zoe@localhost' },
    to: [
      { name: 'Bob "the builder"', address: 'bob@example.org' },
      { name: '', address: 'carol@example.org' },
    ],
    cc: [{ name: 'Dave', address: 'dave@example.org' }],
    bcc: [{ name: '', address: 'secret@example.org' }],
    subject: 'Grüße – a subject long enough to need more than one encoded word when it is written in UTF-8 ✓',
    date: new Date('2026-11-21T09:08:07Z'),
    messageId: '<abc@localhost>',
    inReplyTo: '<parent@example.org>',
    references: ['<root@example.org>', '<parent@example.org>'],
    text: 'Hello Bob,\n\n. a line starting with a dot\nFrom the start\nnon-ASCII: naïve café\ntrailing space \n' + 'x'.repeat(200),
    html: '<p>Hello <b>Bob</b> – café</p>',
    attachments: [
      { filename: 'report ü.pdf', contentType: 'application/pdf', content: new Uint8Array([0, 1, 2, 255, 254]) },
      { filename: 'notes.txt', contentType: 'text/plain', content: new TextEncoder().encode('plain attachment') },
    ],
    ...overrides,
  };
}

describe('buildMessage', () => {
  it('writes 7-bit lines under 78 columns with CRLF ends, and postal-mime reads every field back', async () => {
    const raw = buildMessage(mail());
    const text = decode(raw);
    expect(text).toMatch(/^[\x09\x0a\x0d\x20-\x7e]*$/);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of text.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);

    const parsed = await parseMessage(raw);
    if (parsed.status !== 'ok') throw new Error(parsed.reason);
    const m = parsed.message;
    expect(m.from).toEqual([{ name: 'Zoë Ünïcode, Esq.', address: 'zoe@localhost' }]);
    expect(m.to).toEqual([
      { name: 'Bob "the builder"', address: 'bob@example.org' },
      { name: '', address: 'carol@example.org' },
    ]);
    expect(m.cc).toEqual([{ name: 'Dave', address: 'dave@example.org' }]);
    expect(m.bcc).toEqual([{ name: '', address: 'secret@example.org' }]);
    expect(m.subject).toBe(mail().subject);
    expect(m.date).toBe('2026-11-21T09:08:07.000Z');
    expect(m.messageId).toBe('<abc@localhost>');
    expect(m.inReplyTo).toBe('<parent@example.org>');
    expect(m.references).toEqual(['<root@example.org>', '<parent@example.org>']);
    expect(m.text?.replace(/\r\n/g, '\n').trimEnd()).toBe(mail().text.trimEnd());
    expect(m.html).toContain('<p>Hello <b>Bob</b> – café</p>');
    expect(m.attachments.map((a) => [a.filename, a.mimeType, Array.from(a.content)])).toEqual([
      ['report ü.pdf', 'application/pdf', [0, 1, 2, 255, 254]],
      ['notes.txt', 'text/plain', Array.from(new TextEncoder().encode('plain attachment'))],
    ]);
  });

  it('leaves Bcc out when not given, and makes a plain text/plain message without HTML or attachments', async () => {
    const text = decode(buildMessage(mail({ bcc: undefined, html: null, attachments: [] })));
    expect(text).not.toMatch(/^Bcc:/m);
    expect(text).not.toContain('secret@example.org');
    expect(text).toMatch(/^Content-Type: text\/plain; charset=utf-8$/m);
    expect(text).not.toContain('multipart');
  });

  it('keeps a hostile subject or name from adding header fields', async () => {
    const raw = buildMessage(mail({ subject: 'hi\r\nBcc: evil@example.org', from: { name: 'x\r\nX-Evil: 1', address: 'zoe@localhost' }, bcc: undefined }));
    const text = decode(raw);
    expect(text).not.toMatch(/^Bcc:/m);
    expect(text).not.toMatch(/^X-Evil:/m);
  });

  it('makes unique message ids on the sender domain', () => {
    const a = newMessageId('zoe@example.org');
    expect(a).toMatch(/^<[0-9a-f-]{36}@example\.org>$/);
    expect(newMessageId('zoe@example.org')).not.toBe(a);
  });
});

describe('quotedPrintable', () => {
  it('encodes =, non-ASCII, trailing blanks and soft-breaks long lines', () => {
    expect(quotedPrintable('a=b')).toBe('a=3Db');
    expect(quotedPrintable('é')).toBe('=C3=A9');
    expect(quotedPrintable('end ')).toBe('end=20');
    const long = quotedPrintable('y'.repeat(100));
    expect(long.split('\r\n').every((l) => l.length <= 76)).toBe(true);
    expect(long.replace(/=\r\n/g, '')).toBe('y'.repeat(100));
  });
});

describe('PGP/MIME', () => {
  it('wraps the encrypted content per RFC 3156; the subject is only inside, and the inside decrypts and parses', async () => {
    const recipient = await generateUserKey('Bob', 'bob@example.org');
    const content = buildPgpMimeContent(mail());
    const armored = armorMessage(await encryptBytes(content, [recipient.publicKeyArmored]));
    const outer = buildPgpMimeMessage(mail(), armored);
    const outerText = decode(outer);
    expect(outerText).toMatch(/^Content-Type: multipart\/encrypted; protocol="application\/pgp-encrypted";\r\n boundary="=_sealpost_[0-9a-f]+"$/m);
    expect(outerText).toMatch(/^Subject: \.\.\.$/m);
    expect(outerText).not.toContain('Gr=C3=BC');
    expect(outerText).not.toContain('secret@example.org');
    expect(outerText).toContain('Version: 1');

    const parsedOuter = await parseMessage(outer);
    if (parsedOuter.status !== 'ok') throw new Error(parsedOuter.reason);
    const encryptedPart = parsedOuter.message.attachments.find((a) => a.mimeType === 'application/octet-stream')!;
    const armoredBack = decode(encryptedPart.content);
    expect(armoredBack).toContain('-----BEGIN PGP MESSAGE-----');

    const { readMessage } = await import('openpgp');
    const binary = (await readMessage({ armoredMessage: armoredBack })).write();
    const decrypted = await decryptBytes(binary, await readPrivateKey(recipient.privateKeyArmored));
    if (decrypted.status !== 'ok') throw new Error(decrypted.reason);
    const innerText = decode(decrypted.data);
    expect(innerText).toMatch(/protected-headers="v1"/);
    expect(innerText).not.toContain('secret@example.org');
    const inner = await parseMessage(decrypted.data);
    if (inner.status !== 'ok') throw new Error(inner.reason);
    expect(inner.message.subject).toBe(mail().subject);
    expect(inner.message.attachments.map((a) => a.filename)).toEqual(['report ü.pdf', 'notes.txt']);
  });
});
