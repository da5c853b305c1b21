import { beforeAll, describe, expect, it } from 'vitest';
import { encryptBytes, toBase64, utf8 } from '@/crypto';
import { createKeyState } from '../keys/key-state';
import { placeBatch } from './placement';
import { SubjectThreads, conversationKeyOf, importHmacKey } from './thread-key';

// Real OpenPGP messages and the key Worker's real state object, as in the browser.
const keys = createKeyState();
let publicKey: string;
beforeAll(async () => {
  const { payload } = await keys.prepareRegistration({ username: 'placer', email: 'placer@localhost', password: 'a long test password 123' });
  await keys.activatePending();
  publicKey = payload.publicKey;
});

const summaryOf = (messageId: string, subject: string, references: string[] = []) => ({
  v: 1,
  from: [{ name: '', address: 'a@example.com' }],
  to: [],
  cc: [],
  subject,
  date: null,
  snippet: '',
  attachments: [],
  auth: { spf: 'none', dkim: 'none', dmarc: 'none', arc: 'none' },
  messageId,
  references,
  parsed: true,
});
const sealed = async (value: unknown) => toBase64(await encryptBytes(utf8(JSON.stringify(value)), [publicKey]));

describe('placeBatch', () => {
  it('keys a thread by its root whatever order the rows come in, and a reply without References by its subject', async () => {
    const hmacKey = await importHmacKey(new Uint8Array(32).fill(7));
    const items = [
      { id: 'r2', receivedAt: '2026-11-01T12:00:00Z', summary: await sealed(summaryOf('<c@x>', 'Re: Plan', ['<a@x>', '<b@x>'])) },
      { id: 'r1', receivedAt: '2026-11-01T11:00:00Z', summary: await sealed(summaryOf('<b@x>', 'Re: Plan', ['<a@x>'])) },
      { id: 'root', receivedAt: '2026-11-01T10:00:00Z', summary: await sealed(summaryOf('<a@x>', 'Plan')) },
      { id: 'bare', receivedAt: '2026-11-01T13:00:00Z', summary: await sealed(summaryOf('<d@y>', 'RE: plan')) },
      { id: 'other', receivedAt: '2026-11-01T13:00:00Z', summary: await sealed(summaryOf('<e@y>', 'Something else')) },
      { id: 'broken', receivedAt: '2026-11-01T13:00:00Z', summary: await sealed({ v: 2 }) },
    ];
    const placed = await placeBatch(items, {
      decrypt: async (data) => (await keys.decryptBatch({ items: data })).results,
      hmacKey,
      threads: new SubjectThreads(),
    });
    const byId = Object.fromEntries(placed.map((p) => [p.id, p.key]));
    const thread = await conversationKeyOf(hmacKey, '<a@x>');
    expect([byId.root, byId.r1, byId.r2, byId.bare]).toEqual([thread, thread, thread, thread]);
    expect(byId.other).toBe(await conversationKeyOf(hmacKey, '<e@y>'));
    expect(byId.broken).toBe(await conversationKeyOf(hmacKey, 'sealpost:broken'));
  });

  it('places nothing while the key is locked', async () => {
    const locked = createKeyState();
    const hmacKey = await importHmacKey(new Uint8Array(32));
    const items = [{ id: 'x', receivedAt: '2026-11-01T10:00:00Z', summary: await sealed(summaryOf('<a@x>', 'Plan')) }];
    expect(
      await placeBatch(items, { decrypt: async (data) => (await locked.decryptBatch({ items: data })).results, hmacKey, threads: new SubjectThreads() }),
    ).toEqual([]);
  });
});
