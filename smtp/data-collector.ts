import type { Readable } from 'node:stream';

/**
 * Reads the DATA stream of one transaction into memory, enforcing the size limit on the bytes
 * actually sent (the SIZE parameter is only a claim), bounding the header section before any parser
 * sees it, and rejecting bare CR or LF, the ambiguity SMTP smuggling relies on.
 *
 * A message over the size limit is reported the moment it crosses it, without waiting for the rest:
 * the server then answers and closes instead of reading up to gigabytes it will refuse anyway. A
 * message whose header section is over its bounds is drained (it is at most the size limit), no
 * longer kept, and refused after the final dot, so the sender gets the reply where it expects one.
 */
export type CollectedMessage =
  | { status: 'complete'; raw: Buffer }
  /** Over the size limit; reported early, while the client may still be sending. */
  | { status: 'oversized'; bytes: number }
  | { status: 'header-too-large'; headerBytes: number; headerLines: number }
  | { status: 'bare-line-ending' }
  /** The client went away, or we cut it off, before the final dot. */
  | { status: 'aborted' };

/**
 * Bounds of the header section (everything up to the first empty line). Parsers of header fields
 * (mailauth's among them) get slower than linearly with the number of lines, and no real message
 * needs more: long Received chains and DKIM/ARC sets run to a few hundred lines and tens of KiB.
 * These are the bounds Exim applies by default (header_maxsize 1 MiB) plus a line count.
 */
export const HEADER_LIMITS = { maxBytes: 1024 * 1024, maxLines: 10_000 } as const;

export interface CollectLimits {
  maxBytes: number;
  maxHeaderBytes?: number;
  maxHeaderLines?: number;
}

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

/**
 * Measures the header section across chunk boundaries: its bytes (the empty line that ends it
 * included) and its lines (folded continuation lines count, since that is what parsers iterate).
 */
export class HeaderSectionMeter {
  bytes = 0;
  lines = 0;
  private lineBytes = 0; // bytes of the current line before its LF
  private ended = false;

  constructor(
    private readonly maxBytes: number,
    private readonly maxLines: number,
  ) {}

  get exceeded(): boolean {
    return this.bytes > this.maxBytes || this.lines > this.maxLines;
  }

  push(chunk: Uint8Array): void {
    let start = 0;
    while (!this.ended && !this.exceeded && start < chunk.length) {
      const lf = chunk.indexOf(0x0a, start);
      if (lf === -1) {
        this.lineBytes += chunk.length - start;
        this.bytes += chunk.length - start;
        return;
      }
      const length = this.lineBytes + (lf - start);
      this.bytes += lf + 1 - start;
      // An empty line (CRLF alone, or a bare LF, refused elsewhere) ends the header section.
      if (length === 0 || (length === 1 && (lf > start ? chunk[lf - 1] : 0x0d) === 0x0d)) this.ended = true;
      else this.lines++;
      this.lineBytes = 0;
      start = lf + 1;
    }
  }

  /** A message without an empty line is all header; its unterminated last line counts too. */
  finish(): boolean {
    if (!this.ended && this.lineBytes > 0) this.lines++;
    return !this.exceeded;
  }
}

export function collectMessage(stream: Readable & { sizeExceeded?: boolean }, limits: CollectLimits): Promise<CollectedMessage> {
  const { maxBytes } = limits;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const lineEndings = new LineEndingCheck();
    const header = new HeaderSectionMeter(limits.maxHeaderBytes ?? HEADER_LIMITS.maxBytes, limits.maxHeaderLines ?? HEADER_LIMITS.maxLines);
    let bytes = 0;
    let settled = false;
    const settle = (result: CollectedMessage) => {
      if (settled) return;
      settled = true;
      chunks.length = 0;
      stream.off('data', onData);
      resolve(result);
    };

    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > maxBytes) return settle({ status: 'oversized', bytes });
      lineEndings.push(chunk);
      header.push(chunk);
      if (lineEndings.clean && !header.exceeded) chunks.push(chunk);
      else chunks.length = 0; // it will be refused: stop holding it
    };
    stream.on('data', onData);
    stream.once('end', () => {
      if (bytes > maxBytes || stream.sizeExceeded) settle({ status: 'oversized', bytes });
      else if (!lineEndings.finish()) settle({ status: 'bare-line-ending' });
      else if (!header.finish()) settle({ status: 'header-too-large', headerBytes: header.bytes, headerLines: header.lines });
      else settle({ status: 'complete', raw: Buffer.concat(chunks, bytes) });
    });
    // smtp-server destroys the stream (with an error when someone listens) if the socket closes
    // before the final dot; without 'end' there is no message.
    stream.once('error', () => settle({ status: 'aborted' }));
    stream.once('close', () => settle({ status: 'aborted' }));
  });
}
