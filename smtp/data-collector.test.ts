import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { collectMessage, LineEndingCheck } from './data-collector';

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
  const feed = (chunks: string[], max: number) => {
    const stream = new PassThrough();
    const result = collectMessage(stream, max);
    for (const chunk of chunks) stream.write(chunk);
    stream.end();
    return result;
  };

  it('returns the bytes of a complete message', async () => {
    const result = await feed(['Subject: a\r\n', '\r\nbody\r\n'], 100);
    expect(result).toEqual({ status: 'complete', raw: Buffer.from('Subject: a\r\n\r\nbody\r\n') });
  });

  it('counts the bytes actually sent against the limit, not a declaration', async () => {
    expect(await feed(['x'.repeat(60), '\r\n', 'y'.repeat(60), '\r\n'], 100)).toEqual({ status: 'oversized', bytes: 124 });
    expect((await feed(['x'.repeat(98), '\r\n'], 100)).status).toBe('complete');
  });

  it('reports a stream that was torn down before the end as aborted', async () => {
    const stream = new PassThrough();
    const result = collectMessage(stream, 100);
    stream.write('Subject: half');
    stream.destroy(new Error('connection closed'));
    expect(await result).toEqual({ status: 'aborted' });
  });
});
