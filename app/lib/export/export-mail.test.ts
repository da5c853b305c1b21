import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { toBase64 } from '@/crypto/encoding';
import { type ByteSink, type ExportDeps, exportMail } from './export-mail';

/** The export loop with the server and key Worker as plain functions: what reaches the file, and when. */
const enc = (s: string) => new TextEncoder().encode(s);

function memorySink() {
  const chunks: Uint8Array[] = [];
  const state = { closed: false, aborted: false };
  const sink: ByteSink = {
    write: async (chunk) => void chunks.push(chunk.slice()),
    close: async () => void (state.closed = true),
    abort: async () => void (state.aborted = true),
  };
  const bytes = () => {
    const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let o = 0;
    for (const c of chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  };
  return { sink, state, bytes };
}

// "Ciphertext" here is the plaintext itself; one marked BAD fails to decrypt.
function fakeServer(count: number, pageSize = 3): ExportDeps {
  const items = Array.from({ length: count }, (_, i) => ({
    id: `${String(i).padStart(8, '0')}-0000-0000-0000-000000000000`,
    folder: 'inbox' as const,
    receivedAt: new Date(Date.UTC(2024, 0, 1, i)).toISOString(),
    raw: toBase64(enc(i === 1 ? 'BAD' : `Subject: ${i}\r\n\r\nFrom me\r\n`)),
  }));
  return {
    size: async () => ({ count, bytes: 0 }),
    page: async (_folder, cursor) => {
      const at = cursor ? Number(cursor) : 0;
      return { items: items.slice(at, at + pageSize), nextCursor: at + pageSize < count ? String(at + pageSize) : null };
    },
    decrypt: async (data) => (new TextDecoder().decode(data) === 'BAD' ? { status: 'decrypt-failed', reason: 'x' } : { status: 'ok', data }),
  };
}

describe('exportMail', () => {
  it('writes every message that decrypts to an mbox, counts the rest, and reports progress per page', async () => {
    const { sink, state, bytes } = memorySink();
    const progress: number[] = [];
    const result = await exportMail({ folder: null, format: 'mbox' }, fakeServer(7), sink, (p) => progress.push(p.done));
    expect(result).toEqual({ done: 7, total: 7, failed: 1 });
    expect(progress).toEqual([0, 3, 6, 7]);
    const text = new TextDecoder().decode(bytes());
    expect(text.match(/^From MAILER-DAEMON /gm)).toHaveLength(6);
    expect(text).toContain('\r\n>From me\r\n');
    expect(state).toEqual({ closed: true, aborted: false });
  });

  it('writes a zip with one .eml per message', async () => {
    const { sink, bytes } = memorySink();
    await exportMail({ folder: 'inbox', format: 'zip' }, fakeServer(4), sink);
    const names = Object.keys(unzipSync(bytes()));
    expect(names).toHaveLength(3);
    expect(names.every((n) => n.startsWith('inbox/2024-01-01T0') && n.endsWith('.eml'))).toBe(true);
  });

  it('aborts the file when cancelled, and never closes it', async () => {
    const { sink, state } = memorySink();
    const controller = new AbortController();
    const deps = fakeServer(9);
    const slow: ExportDeps = { ...deps, page: async (f, c) => (c ? (controller.abort(), deps.page(f, c)) : deps.page(f, c)) };
    await expect(exportMail({ folder: null, format: 'mbox', signal: controller.signal }, slow, sink)).rejects.toThrow();
    expect(state).toEqual({ closed: false, aborted: true });
  });
});
