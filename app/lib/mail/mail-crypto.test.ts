import { beforeAll, describe, expect, it } from 'vitest';
import { armorMessage, encryptBytes, toBase64, utf8 } from '@/crypto';
import { buildPgpMimeContent, buildPgpMimeMessage } from '@/mime/build';
import { generateUserKey } from '@/crypto/pgp';
import { createKeyState } from '../keys/key-state';
import { openMessage } from './open-message';
import { parseMessage } from './parse-message';
import { type DecryptBatch, decryptSummaries, forgetSummaries } from './summaries';

// The browser's path from ciphertext to what the mail client shows, with the key Worker's real
// state object (in Node) and real OpenPGP messages; only the Worker's postMessage hop is left out.
const keys = createKeyState();
let publicKey: string;
let strangerKey: string;

beforeAll(async () => {
  const { payload } = await keys.prepareRegistration({ username: 'reader', email: 'reader@localhost', password: 'a long test password 123' });
  await keys.activatePending();
  publicKey = payload.publicKey;
  strangerKey = (await generateUserKey('stranger', 'stranger@example.com')).publicKeyArmored;
});

const deps = {
  decrypt: (data: Uint8Array) => keys.decrypt({ data }),
  decryptArmored: (armored: string) => keys.decryptArmored({ armored }),
  parse: (raw: Uint8Array) => parseMessage(raw),
};
const sealed = async (text: string | Uint8Array, to = publicKey) => toBase64(await encryptBytes(typeof text === 'string' ? utf8(text) : text, [to]));

describe('openMessage', () => {
  it('decrypts and parses a message encrypted to the reader', async () => {
    const result = await openMessage(await sealed('From: a@example.com\r\nSubject: Sealed\r\n\r\nInside.\r\n'), deps);
    expect(result.status).toBe('ok');
    if (result.status === 'ok') {
      expect(result.message.subject).toBe('Sealed');
      expect(result.message.text?.trim()).toBe('Inside.');
    }
  });

  it('tags ciphertext for another key, and bytes that are no OpenPGP message at all', async () => {
    expect(await openMessage(await sealed('Subject: x\r\n\r\ny', strangerKey), deps)).toEqual({ status: 'decrypt-failed' });
    expect(await openMessage(toBase64(utf8('not a pgp message')), deps)).toEqual({ status: 'decrypt-failed' });
  });

  it('tags a crashed Worker as a failed decryption', async () => {
    const crashed = { ...deps, decrypt: () => Promise.reject(new Error('worker terminated')) };
    expect(await openMessage(await sealed('Subject: x\r\n\r\ny'), crashed)).toEqual({ status: 'decrypt-failed' });
  });

  it('hands back the decrypted bytes when the MIME cannot be parsed', async () => {
    const raw = utf8(`${'Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n'.repeat(80)}body\r\n`);
    const result = await openMessage(await sealed(raw), deps);
    expect(result.status).toBe('parse-failed');
    if (result.status === 'parse-failed') expect(result.raw).toEqual(raw);
  });
});

describe('openMessage with PGP/MIME from the sender', () => {
  // What another Sealpost (or Thunderbird, or Proton) sends to someone whose key it found: the
  // server here stored it encrypted to the reader again, so there are two layers to peel.
  const inner = {
    from: { name: 'Ann', address: 'ann@elsewhere.example' },
    to: [{ name: '', address: 'reader@localhost' }],
    cc: [],
    subject: 'The real subject',
    date: new Date('2026-11-20T10:00:00Z'),
    messageId: '<pgp1@elsewhere.example>',
    text: 'Only the reader can read this.',
    attachments: [{ filename: 'plan.txt', contentType: 'text/plain', content: utf8('step 1') }],
  };
  const pgpMime = async (to: string) => buildPgpMimeMessage(inner, armorMessage(await encryptBytes(buildPgpMimeContent(inner), [to])));

  it('opens both layers: the subject, body and attachments come from inside, the sender from outside', async () => {
    const result = await openMessage(await sealed(await pgpMime(publicKey)), deps);
    if (result.status !== 'ok') throw new Error(result.status);
    expect(result.senderEncrypted).toBe('opened');
    expect(result.message.subject).toBe('The real subject');
    expect(result.message.text?.trim()).toBe('Only the reader can read this.');
    expect(result.message.attachments.map((a) => a.filename)).toEqual(['plan.txt']);
    expect(result.message.from).toEqual([{ name: 'Ann', address: 'ann@elsewhere.example' }]);
    expect(result.message.pgpMime).toBeNull();
  });

  it('shows the outside, marked unreadable, when the inside is for another key', async () => {
    const result = await openMessage(await sealed(await pgpMime(strangerKey)), deps);
    if (result.status !== 'ok') throw new Error(result.status);
    expect(result.senderEncrypted).toBe('unreadable');
    expect(result.message.subject).toBe('...');
    expect(result.message.attachments.map((a) => a.mimeType)).toEqual(['application/pgp-encrypted', 'application/octet-stream']);
  });

  it('leaves an inline PGP block in an ordinary message alone', async () => {
    const armored = armorMessage(await encryptBytes(utf8('nested secret'), [publicKey]));
    const result = await openMessage(await sealed(`From: a@example.com\r\nSubject: Quoted\r\n\r\n${armored}`), deps);
    if (result.status !== 'ok') throw new Error(result.status);
    expect(result.senderEncrypted).toBeUndefined();
    expect(result.message.hasInlinePgp).toBe(true);
    expect(result.message.text).not.toContain('nested secret');
  });
});

describe('decryptSummaries', () => {
  const summary = {
    v: 1,
    from: [{ name: '', address: 'a@example.com' }],
    to: [],
    cc: [],
    subject: 'Hi',
    date: null,
    snippet: 'Hello',
    attachments: [],
    auth: { spf: 'pass', dkim: 'none', dmarc: 'none', arc: 'none' },
    messageId: null,
    parsed: true,
  };

  it('decrypts a batch in order, tags each failure, and decrypts each id only once', async () => {
    forgetSummaries();
    const items = [
      { id: 'ok', summary: await sealed(JSON.stringify(summary)), origin: null },
      { id: 'foreign', summary: await sealed(JSON.stringify(summary), strangerKey), origin: null },
      { id: 'not-json', summary: await sealed('{"v":1,'), origin: null },
      { id: 'wrong-shape', summary: await sealed(JSON.stringify({ v: 2, subject: 'Hi' })), origin: null },
      // Written on this instance: the server's attestation names the real sender, over the summary's claim.
      {
        id: 'internal',
        summary: await sealed(JSON.stringify(summary)),
        origin: await sealed(JSON.stringify({ v: 1, kind: 'internal', from: 'mallory@localhost' })),
      },
    ];
    const batches: number[] = [];
    const batch: DecryptBatch = async (data) => {
      batches.push(data.length);
      return (await keys.decryptBatch({ items: data })).results;
    };
    const first = await decryptSummaries(items, batch);
    expect(Object.fromEntries(Object.entries(first).map(([id, r]) => [id, r.status]))).toEqual({
      ok: 'ok',
      foreign: 'decrypt-failed',
      'not-json': 'invalid',
      'wrong-shape': 'invalid',
      internal: 'ok',
    });
    expect(first.ok).toMatchObject({ status: 'ok', summary: { subject: 'Hi', from: [{ address: 'a@example.com' }] } });
    expect(first.internal).toMatchObject({
      status: 'ok',
      origin: { from: 'mallory@localhost' },
      summary: { from: [{ name: '', address: 'mallory@localhost' }] },
    });

    const newer = { id: 'new', summary: await sealed(JSON.stringify({ ...summary, subject: 'Newer' })), origin: null };
    const second = await decryptSummaries([newer, ...items], batch);
    expect(batches).toEqual([6, 1]);
    expect(second.new).toMatchObject({ status: 'ok', summary: { subject: 'Newer' } });
  });

  it('does not remember results from a locked key', async () => {
    forgetSummaries();
    const locked = createKeyState();
    const item = { id: 'later', summary: await sealed(JSON.stringify(summary)), origin: null };
    const viaLocked: DecryptBatch = async (data) => (await locked.decryptBatch({ items: data })).results;
    expect((await decryptSummaries([item], viaLocked)).later).toEqual({ status: 'locked' });
    const viaUnlocked: DecryptBatch = async (data) => (await keys.decryptBatch({ items: data })).results;
    expect((await decryptSummaries([item], viaUnlocked)).later?.status).toBe('ok');
  });
});
