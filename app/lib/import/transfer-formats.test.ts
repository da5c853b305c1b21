import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { parseSummaryBytes } from '@/mime/summary';
import { MboxError, asctime, mboxEntry, readMbox } from '../export/mbox';
import { createZipStream } from '../export/zip';
import { parseMessage } from '../mail/parse-message';
import { importSummary, messageIdKey } from './import-summary';

// The shared corpus of real-world and malformed mail: every file must survive the mbox both ways
// and get a summary the list can read.
const FIXTURES = path.resolve(__dirname, '../../../../shared/fixtures/eml');
const files = readdirSync(FIXTURES, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.eml'))
  .sort();
const corpus = files.map((f) => new Uint8Array(readFileSync(path.join(FIXTURES, f))));
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** A stream in small, odd-sized chunks, so lines and separators straddle chunk boundaries. */
function chunked(bytes: Uint8Array, size = 977): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  });
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

async function readAll(bytes: Uint8Array, offset = 0) {
  const out = [];
  for await (const m of readMbox(chunked(bytes.subarray(offset)), { offset, maxMessageBytes: 30 * 1024 * 1024 })) out.push(m);
  return out;
}

const withNewline = (raw: Uint8Array) => (raw.length && raw[raw.length - 1] === 0x0a ? raw : concat([raw, enc('\n')]));

describe('mbox', () => {
  it('finds the corpus', () => expect(files.length).toBeGreaterThanOrEqual(100));

  it('gives back every message of the corpus byte for byte, and resumes from any message end', async () => {
    const date = new Date('2025-05-06T07:08:09Z');
    const mbox = concat(corpus.map((raw) => mboxEntry(raw, date)));
    const read = await readAll(mbox);
    expect(read).toHaveLength(corpus.length);
    read.forEach((m, i) => {
      expect(Buffer.from(m.raw).equals(Buffer.from(withNewline(corpus[i]!))), files[i]).toBe(true);
      expect(m.separatorDate?.toISOString()).toBe(date.toISOString());
    });
    expect(read.at(-1)!.end).toBe(mbox.length);
    const k = 40;
    const resumed = await readAll(mbox, read[k]!.end);
    expect(resumed).toHaveLength(corpus.length - k - 1);
    expect(Buffer.from(resumed[0]!.raw).equals(Buffer.from(withNewline(corpus[k + 1]!)))).toBe(true);
  });

  it('quotes body lines that start with From, and only those', () => {
    const raw = enc('Subject: x\r\n\r\nFrom here\r\n>From there\r\nNot From\r\n');
    expect(dec(mboxEntry(raw, new Date(0)))).toBe(
      'From MAILER-DAEMON Thu Jan  1 00:00:00 1970\n' + 'Subject: x\r\n\r\n>From here\r\n>>From there\r\nNot From\r\n\n',
    );
  });

  it('writes asctime dates', () => expect(asctime(new Date('2026-12-03T11:40:22Z'))).toBe('Thu Dec  3 11:40:22 2026'));

  it('refuses a file that is not an mbox, and a message over the limit', async () => {
    await expect(readAll(enc('Subject: not an mbox\n\nbody\n'))).rejects.toBeInstanceOf(MboxError);
    const big = mboxEntry(enc(`Subject: big\n\n${'x'.repeat(50).concat('\n').repeat(40)}`), new Date());
    const reading = (async () => {
      for await (const _ of readMbox(chunked(big), { maxMessageBytes: 1000 })) void _;
    })();
    await expect(reading).rejects.toThrow(/A message in the file is over/);
  });
});

describe('import summaries', () => {
  it.each(files.map((f, i) => [f, i] as const))('%s gets a summary the list reads', async (_file, i) => {
    const summary = importSummary(await parseMessage(corpus[i]!, { timeoutMs: 2_000 }));
    const read = parseSummaryBytes(enc(JSON.stringify(summary)));
    expect(read.ok).toBe(true);
    expect(summary.auth).toEqual({ spf: 'none', dkim: 'none', dmarc: 'none', arc: 'none' });
  });

  it('compares Message-IDs without brackets or space', () => {
    expect(messageIdKey(' <a.b@c> ')).toBe('a.b@c');
    expect(messageIdKey('<>')).toBeNull();
    expect(messageIdKey(null)).toBeNull();
  });
});

describe('zip of .eml', () => {
  it('holds each message as added, even one dated before 1980', () => {
    const zip = createZipStream();
    const chunks = [...zip.add('inbox/a.eml', corpus[0]!, new Date('1970-01-01T00:00:00Z')), ...zip.add('sent/b.eml', corpus[1]!, new Date()), ...zip.end()];
    const entries = unzipSync(concat(chunks));
    expect(Object.keys(entries)).toEqual(['inbox/a.eml', 'sent/b.eml']);
    expect(Buffer.from(entries['inbox/a.eml']!).equals(Buffer.from(corpus[0]!))).toBe(true);
    expect(Buffer.from(entries['sent/b.eml']!).equals(Buffer.from(corpus[1]!))).toBe(true);
  });
});
