import type { Readable } from 'node:stream';

/**
 * Reads the DATA stream of one transaction into memory, enforcing the size limit on the bytes
 * actually sent (the SIZE parameter is only a claim) and rejecting bare CR or LF, the ambiguity
 * SMTP smuggling relies on. Once the message is over the limit the bytes are still drained, so
 * the client gets a clean reply, but no longer kept.
 */
export type CollectedMessage =
  | { status: 'complete'; raw: Buffer }
  | { status: 'oversized'; bytes: number }
  | { status: 'bare-line-ending' }
  /** The client went away, or we cut it off, before the final dot. */
  | { status: 'aborted' };

/** Finds a CR not followed by LF, or an LF not preceded by CR, across chunk boundaries. */
export class LineEndingCheck {
  private previous = -1; // last byte of the previous chunk
  private bad = false;

  get clean(): boolean {
    return !this.bad;
  }

  push(chunk: Uint8Array): void {
    if (this.bad || chunk.length === 0) return;
    if (this.previous === 0x0d && chunk[0] !== 0x0a) this.bad = true;
    // indexOf scans natively; only the bytes around each hit are looked at here.
    for (let i = chunk.indexOf(0x0a); i !== -1 && !this.bad; i = chunk.indexOf(0x0a, i + 1)) {
      const before = i === 0 ? this.previous : chunk[i - 1];
      if (before !== 0x0d) this.bad = true;
    }
    for (let i = chunk.indexOf(0x0d); i !== -1 && !this.bad; i = chunk.indexOf(0x0d, i + 1)) {
      if (i + 1 < chunk.length && chunk[i + 1] !== 0x0a) this.bad = true;
    }
    this.previous = chunk[chunk.length - 1]!;
  }

  /** A CR as the very last byte has no LF after it. */
  finish(): boolean {
    if (this.previous === 0x0d) this.bad = true;
    return !this.bad;
  }
}

export function collectMessage(stream: Readable & { sizeExceeded?: boolean }, maxBytes: number): Promise<CollectedMessage> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const lineEndings = new LineEndingCheck();
    let bytes = 0;
    let settled = false;
    const settle = (result: CollectedMessage) => {
      if (settled) return;
      settled = true;
      chunks.length = 0;
      resolve(result);
    };

    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      lineEndings.push(chunk);
      if (bytes <= maxBytes && lineEndings.clean) chunks.push(chunk);
      else chunks.length = 0; // it will be refused: stop holding it
    });
    stream.once('end', () => {
      if (bytes > maxBytes || stream.sizeExceeded) settle({ status: 'oversized', bytes });
      else if (!lineEndings.finish()) settle({ status: 'bare-line-ending' });
      else settle({ status: 'complete', raw: Buffer.concat(chunks, bytes) });
    });
    // smtp-server destroys the stream (with an error when someone listens) if the socket closes
    // before the final dot; without 'end' there is no message.
    stream.once('error', () => settle({ status: 'aborted' }));
    stream.once('close', () => settle({ status: 'aborted' }));
  });
}
