import { describe, expect, it } from 'vitest';
import { parseMessage } from '../mail/parse-message';
import { type ImportCopy, type ImportState, type SourceMessage, importMail } from './import-mail';

/** The import loop with the server and the key Worker replaced by plain functions: what it decides. */
const enc = (s: string) => new TextEncoder().encode(s);
const mail = (id: string | null, date: string | null, body = 'hi') =>
  enc([`Subject: ${id ?? 'no id'}`, ...(id ? [`Message-ID: <${id}>`] : []), ...(date ? [`Date: ${date}`] : []), '', body, ''].join('\r\n'));

async function* source(messages: Uint8Array[], fallbackDate: Date | null = null): AsyncGenerator<SourceMessage<number>> {
  for (let i = 0; i < messages.length; i++) yield { raw: messages[i]!, next: i + 1, fallbackDate };
}

function deps(known: string[] = []) {
  const uploads: ImportCopy[][] = [];
  const saved: ImportState<number>[] = [];
  return {
    uploads,
    saved,
    deps: {
      knownMessageIds: async () => new Set(known),
      parse: (raw: Uint8Array) => parseMessage(raw),
      encryptToSelf: async (parts: Uint8Array[]) => parts,
      upload: async (items: ImportCopy[]) => {
        uploads.push(items);
        return { imported: items.length };
      },
      savePosition: async (state: ImportState<number>) => void saved.push(state),
      now: () => new Date('2030-01-01T00:00:00Z'),
    },
  };
}

const start: ImportState<number> = { position: 0, imported: 0, skipped: 0 };

describe('importMail', () => {
  it('skips ids already in the mailbox and repeated ids within the files, and always imports mail without one', async () => {
    const d = deps(['old@x']);
    const result = await importMail(source([mail('old@x', null), mail('new@x', null), mail('new@x', null), mail(null, null), mail(null, null)]), d.deps, start);
    expect(result).toEqual({ position: 5, imported: 3, skipped: 2 });
    expect(d.uploads.flat()).toHaveLength(3);
  });

  it('keeps the Date header as the received time, else the mbox date, else now', async () => {
    const d = deps();
    await importMail(source([mail('a@x', 'Tue, 02 Jan 2024 03:04:05 +0000'), mail('b@x', 'not a date')], new Date('2020-05-05T00:00:00Z')), d.deps, start);
    expect(d.uploads.flat().map((c) => c.receivedAt)).toEqual(['2024-01-02T03:04:05.000Z', '2020-05-05T00:00:00.000Z']);
    const e = deps();
    await importMail(source([mail('c@x', null)]), e.deps, start);
    expect(e.uploads.flat()[0]!.receivedAt).toBe('2030-01-01T00:00:00.000Z');
  });

  it('uploads 25 at a time and saves the position after each stored batch, never before', async () => {
    const d = deps();
    const messages = Array.from({ length: 60 }, (_, i) => mail(`m${i}@x`, null));
    const result = await importMail(source(messages), d.deps, start);
    expect(d.uploads.map((b) => b.length)).toEqual([25, 25, 10]);
    expect(d.saved.map((s) => [s.position, s.imported])).toEqual([
      [25, 25],
      [50, 50],
      [60, 60],
    ]);
    expect(result.imported).toBe(60);
  });

  it('stores nothing past a failed upload, so the saved position is where a resume must start', async () => {
    const d = deps();
    let calls = 0;
    const failing = { ...d.deps, upload: async (items: ImportCopy[]) => (calls++ === 1 ? Promise.reject(new Error('offline')) : d.deps.upload(items)) };
    const messages = Array.from({ length: 60 }, (_, i) => mail(`m${i}@x`, null));
    await expect(importMail(source(messages), failing, start)).rejects.toThrow('offline');
    expect(d.saved.at(-1)).toEqual({ position: 25, imported: 25, skipped: 0 });
  });
});
