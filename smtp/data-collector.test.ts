import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { collectMessage, HeaderSectionMeter, LineEndingCheck } from './data-collector';

const check = (...chunks: string[]) => {
  const lines = new LineEndingCheck();
  for (const chunk of chunks) lines.push(Buffer.from(chunk, 'latin1'));
  return lines.finish();
};

describe('LineEndingCheck', () => {
  it.each([
    [['a\r\nb\r\n'], true],
    [[''], true],
    [['a\r', '\nb\r\n'], true],
    [['a\r\n', '\r\n'], true],
    [['a\nb\r\n'], false],
    [['\nb'], false],
    [['a\rb\r\n'], false],
    [['a\r', 'b\r\n'], false],
    [['a\r\n\n'], false],
    [['a\r'], false],
    [['a\r\n', '\n'], false],
    [['a\r\n\r\r\n'], false],
  ])('%j clean: %s', (chunks, clean) => {
    expect(check(...chunks)).toBe(clean);
  });
});

describe('collectMessage', () => {
  const feed = (chunks: string[], max: number, header: { maxHeaderBytes?: number; maxHeaderLines?: number } = {}) => {
    const stream = new PassThrough();
    const result = collectMessage(stream, { maxBytes: max, ...header });
    for (const chunk of chunks) stream.write(chunk);
    stream.end();
    return result;
  };

  it('returns the bytes of a complete message', async () => {
    const result = await feed(['Subject: a\r\n', '\r\nbody\r\n'], 100);
    expect(result).toEqual({ status: 'complete', raw: Buffer.from('Subject: a\r\n\r\nbody\r\n') });
  });

  it('counts the bytes actually sent against the limit, not a declaration', async () => {
    expect(await feed(['x'.repeat(60), '\r\n', 'y'.repeat(60), '\r\n'], 100)).toEqual({ status: 'oversized', bytes: 122 });
    expect((await feed(['x'.repeat(98), '\r\n'], 100)).status).toBe('complete');
  });

  it('reports an oversized message as soon as it crosses the limit, before the stream ends', async () => {
    const stream = new PassThrough();
    const result = collectMessage(stream, { maxBytes: 100 });
    stream.write('x'.repeat(98));
    stream.write('\r\nyy');
    // No end(): the client is still sending, and the verdict must not wait for it.
    expect(await result).toEqual({ status: 'oversized', bytes: 102 });
    stream.destroy();
  });

  it('refuses a header section over its line or byte bound, and keeps nothing of it', async () => {
    const folded = ['Subject: x\r\n', ' y\r\n'.repeat(10), '\r\nbody\r\n'];
    expect(await feed(folded, 10_000, { maxHeaderLines: 10 })).toEqual({ status: 'header-too-large', headerBytes: expect.any(Number), headerLines: 11 });
    expect((await feed(folded, 10_000, { maxHeaderLines: 11 })).status).toBe('complete');
    expect((await feed(['Subject: ', 'z'.repeat(200), '\r\n\r\nbody\r\n'], 10_000, { maxHeaderBytes: 100 })).status).toBe('header-too-large');
    // The body is not header: many short body lines are fine.
    expect((await feed(['Subject: a\r\n\r\n', 'b\r\n'.repeat(50)], 10_000, { maxHeaderLines: 5 })).status).toBe('complete');
  });

  it('reports a stream that was torn down before the end as aborted', async () => {
    const stream = new PassThrough();
    const result = collectMessage(stream, { maxBytes: 100 });
    stream.write('Subject: half');
    stream.destroy(new Error('connection closed'));
    expect(await result).toEqual({ status: 'aborted' });
  });
});

describe('HeaderSectionMeter', () => {
  const measure = (chunks: string[]) => {
    const meter = new HeaderSectionMeter(1e9, 1e9);
    for (const chunk of chunks) meter.push(Buffer.from(chunk, 'latin1'));
    meter.finish();
    return { bytes: meter.bytes, lines: meter.lines };
  };

  it.each([
    [['A: 1\r\nB: 2\r\n\r\nbody\r\nmore\r\n'], { bytes: 14, lines: 2 }],
    // The empty line split across chunks, and a CR at a chunk's end.
    [['A: 1\r\n', '\r', '\nbody\r\n'], { bytes: 8, lines: 1 }],
    [['A: 1\r', '\n b\r\n\r\n'], { bytes: 12, lines: 2 }],
    [['\r\nbody\r\n'], { bytes: 2, lines: 0 }],
    // No empty line: all header, the unterminated last line included.
    [['A: 1\r\nB: 2'], { bytes: 10, lines: 2 }],
  ])('%j', (chunks, expected) => {
    expect(measure(chunks)).toEqual(expected);
  });
});
